import { MultiBar, Presets } from 'cli-progress';

/** Progress per stage (one bar each, with counts and rate) and a bounded pool that runs a stage's work. */
export class Stages {
  private readonly bars: MultiBar | undefined;
  readonly timings: { stage: string; count: number; ms: number }[] = [];

  constructor(options: { quiet?: boolean } = {}) {
    this.bars =
      options.quiet || !process.stderr.isTTY
        ? undefined
        : new MultiBar(
            {
              format: ' {stage} |{bar}| {value}/{total} · {rate}/s · {duration}s',
              hideCursor: true,
              clearOnComplete: false,
              stream: process.stderr,
            },
            Presets.shades_classic,
          );
  }

  /** Runs `work` on every item with at most `concurrency` in flight; failures stop the stage with the first error. */
  async run<T, R>(
    stage: string,
    items: readonly T[],
    concurrency: number,
    work: (item: T, index: number) => Promise<R>,
  ): Promise<R[]> {
    const started = performance.now();
    const bar = this.bars?.create(items.length, 0, { stage: stage.padEnd(14), rate: '0' });
    const results = new Array<R>(items.length);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!, index);
        done++;
        const seconds = (performance.now() - started) / 1000;
        bar?.update(done, { rate: seconds > 0 ? Math.round(done / seconds).toString() : '0' });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
    const ms = performance.now() - started;
    bar?.stop();
    this.timings.push({ stage, count: items.length, ms });
    if (!this.bars) process.stderr.write(`  ${stage.padEnd(14)} ${items.length} in ${(ms / 1000).toFixed(1)}s\n`);
    return results;
  }

  stop(): void {
    this.bars?.stop();
  }
}
