#!/usr/bin/env node
// `npm run bench -- <name>` runs one benchmark, `npm run bench` all of them, one after the other. Every file in
// benchmarks/ that exports `benchmark` is one; adding a benchmark needs no change here. Every run ends by writing
// the headline line of each benchmark it ran into one markdown report (BENCH_REPORT, default bench/results.md).
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Benchmark, headlines } from './lib/report.js';

// `--duration 60` / `--members=50` become BENCH_DURATION / BENCH_MEMBERS for the benchmarks that read them;
// parsed before the benchmarks are imported, since they read their settings when loaded.
const names: string[] = [];
for (let args = process.argv.slice(2), i = 0; i < args.length; i++) {
  const flag = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(args[i]!);
  if (!flag) names.push(args[i]!);
  else process.env[`BENCH_${flag[1]!.replaceAll('-', '_').toUpperCase()}`] = flag[2] ?? args[++i] ?? '';
}
const dir = join(import.meta.dirname, 'benchmarks');
const benchmarks: Benchmark[] = [];
for (const file of readdirSync(dir)
  .filter((name) => name.endsWith('.js'))
  .sort()) {
  const module = (await import(pathToFileURL(join(dir, file)).href)) as { benchmark?: Benchmark };
  if (module.benchmark) benchmarks.push(module.benchmark);
}
benchmarks.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));

for (const name of names) {
  if (!benchmarks.some((benchmark) => benchmark.name === name)) {
    console.error(`unknown benchmark "${name}"; known: ${benchmarks.map((b) => `${b.name} (${b.id})`).join(', ')}`);
    process.exit(2);
  }
}
const rows: string[] = [];
for (const benchmark of benchmarks.filter((b) => names.length === 0 || names.includes(b.name))) {
  console.log(`\n## ${benchmark.id} ${benchmark.name}: ${benchmark.description}`);
  const before = headlines.length;
  try {
    await benchmark.run();
    rows.push(...headlines.slice(before).map((line) => `| ${benchmark.id} | ${benchmark.name} | \`${line}\` |`));
  } catch (error) {
    // One failing benchmark is reported and the others still run; the exit code says something failed.
    console.error(`${benchmark.name} failed:`, error);
    rows.push(
      `| ${benchmark.id} | ${benchmark.name} | failed: ${String((error as Error).message ?? error).split('\n')[0]} |`,
    );
    process.exitCode = 1;
  }
}
const reportPath = process.env.BENCH_REPORT ?? join(import.meta.dirname, '..', 'results.md');
writeFileSync(
  reportPath,
  `# Benchmark headlines\n\n${new Date().toISOString()}, node ${process.version}\n\n| id | benchmark | headline |\n|---|---|---|\n${rows.join('\n')}\n`,
);
console.log(`\nheadlines written to ${reportPath}`);
