import type { Logger } from '../logger.js';
import type { Worker } from './service.js';

/**
 * What a pass may ask for next: another pass at once, or the end of the loop (one-off jobs). Anything else it
 * returns means the usual wait.
 */
export type PassOutcome = 'again' | 'done';

/**
 * A background loop for workers that poll and can be nudged (outbox relay, job queues, bootstraps): it runs
 * `pass`, then waits `intervalMs` or until `wake()`; a wake during a pass is not lost. A failing pass is logged
 * and retried after the interval. `stop()` waits for the pass in flight.
 */
export class PollingWorker implements Worker {
  private running = false;
  private loop: Promise<void> | undefined;
  private woken = false;
  private endWait: (() => void) | undefined;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly options: { name: string; intervalMs: number; logger: Logger },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Asks for a pass now (new work was committed). */
  wake(): void {
    this.woken = true;
    this.endWait?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.endWait?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let outcome: unknown;
      try {
        outcome = await this.pass();
      } catch (error) {
        this.options.logger.warn({ err: error }, `${this.options.name} pass failed; retrying`);
      }
      if (outcome === 'done') return;
      if (!this.running || outcome === 'again' || this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.intervalMs);
        this.endWait = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.endWait = undefined;
    }
  }
}
