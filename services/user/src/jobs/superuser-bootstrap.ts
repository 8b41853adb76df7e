import { type Logger, PollingWorker, type Worker } from '@diaspora/service-kit';
import { bootstrapSuperUser } from '../domain/governance.js';
import type { UnitOfWork } from '../domain/ports.js';

const RETRY_MS = 2000;

/**
 * Creates or promotes SUPERUSER_EMAIL once the service runs (after migrations), retrying while the database is
 * unreachable. Idempotent, and serialized across replicas by an advisory lock. Readiness waits for it.
 */
export class SuperuserBootstrap implements Worker {
  private done = false;
  private readonly worker: PollingWorker;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly input: { email: string; passwordHash: Promise<string>; country: string; city: string },
    private readonly logger: Logger,
  ) {
    this.worker = new PollingWorker(() => this.attempt(), {
      name: 'super user bootstrap',
      intervalMs: RETRY_MS,
      logger,
    });
  }

  /** Readiness check: not ready until the super user exists. */
  readonly check = async (): Promise<void> => {
    if (!this.done) throw new Error('super user not bootstrapped yet');
  };

  start(): void {
    this.worker.start();
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  private async attempt(): Promise<'done'> {
    const passwordHash = await this.input.passwordHash;
    const outcome = await this.uow.run(async (scope) => {
      await scope.users.lockEmail(this.input.email.trim().toLowerCase());
      return bootstrapSuperUser(scope, { ...this.input, passwordHash });
    });
    this.done = true;
    this.logger.info(outcome, outcome.promoted ? 'super user bootstrapped' : 'super user already in place');
    return 'done';
  }
}
