/** One benchmark: `bench/src/benchmarks/<file>.ts` exports `benchmark`; the runner finds it by itself. */
export interface Benchmark {
  /** What `npm run bench -- <name>` selects. */
  name: string;
  /** The id issues use (P1 gateway, P2 login…). */
  id: string;
  description: string;
  run(): Promise<void>;
}

/** Prints a small markdown table, then the one machine-readable line every benchmark ends with. */
export function report(
  name: string,
  rows: Record<string, string | number>[],
  summary: Record<string, number | undefined>,
): void {
  const columns = Object.keys(rows[0] ?? {});
  const cell = (value: string | number | undefined) => (typeof value === 'number' ? format(value) : (value ?? ''));
  console.log(`\n### bench ${name}\n`);
  console.log(`| ${columns.join(' | ')} |`);
  console.log(`|${columns.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${columns.map((column) => cell(row[column])).join(' | ')} |`);
  const fields = Object.entries(summary)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${format(value!)}`);
  const headline = `bench ${name}: ${fields.join(' ')}`;
  headlines.push(headline);
  console.log(`\n${headline}`);
}

/** Every headline line printed in this process, in order (the runner writes them into one report). */
export const headlines: string[] = [];

function format(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}

export function progress(label: string, done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  if (done === total) process.stderr.write('\n');
}
