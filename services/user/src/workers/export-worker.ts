import type { Logger, Worker } from '@diaspora/service-kit';
import type { GdprService } from '../domain/gdpr.js';

/** A job claimed by a process that died is taken over after this long. */
const STALE_AFTER_MS = 5 * 60_000;

/**
 * Builds GDPR export archives in the background: woken when a member asks, and polling for jobs left by other
 * replicas or by a process that stopped mid-way (jobs are claimed with SKIP LOCKED, so replicas share them).
 */
export class ExportWorker implements Worker {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private kicked = false;

  constructor(
    private readonly gdpr: GdprService,
    private readonly options: { pollMs: number; logger: Logger },
  ) {}

  /** Asks for a pass now (a new job was created). */
  wake(): void {
    this.kicked = true;
    this.wakeUp?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.kicked = false;
      try {
        while (this.running && (await this.gdpr.processNext(STALE_AFTER_MS))) {}
      } catch (error) {
        this.options.logger.warn({ err: error }, 'export pass failed; retrying');
      }
      if (!this.running || this.kicked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }
}
