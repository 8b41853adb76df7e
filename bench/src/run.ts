#!/usr/bin/env node
// `npm run bench -- <name>` runs one benchmark, `npm run bench` all of them, one after the other. Every file in
// benchmarks/ that exports `benchmark` is one; adding a benchmark needs no change here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Benchmark } from './lib/report.js';

const dir = join(import.meta.dirname, 'benchmarks');
const benchmarks: Benchmark[] = [];
for (const file of readdirSync(dir)
  .filter((name) => name.endsWith('.js'))
  .sort()) {
  const module = (await import(pathToFileURL(join(dir, file)).href)) as { benchmark?: Benchmark };
  if (module.benchmark) benchmarks.push(module.benchmark);
}
benchmarks.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));

const names = process.argv.slice(2);
for (const name of names) {
  if (!benchmarks.some((benchmark) => benchmark.name === name)) {
    console.error(`unknown benchmark "${name}"; known: ${benchmarks.map((b) => `${b.name} (${b.id})`).join(', ')}`);
    process.exit(2);
  }
}
for (const benchmark of benchmarks.filter((b) => names.length === 0 || names.includes(b.name))) {
  console.log(`\n## ${benchmark.id} ${benchmark.name}: ${benchmark.description}`);
  await benchmark.run();
}
