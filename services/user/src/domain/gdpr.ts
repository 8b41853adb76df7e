import { UserDeleted } from '@diaspora/events';
import { type Logger, newId, Problem, problems } from '@diaspora/service-kit';
import type { ExportJobRecord } from './account-ports.js';
import { withdraw } from './governance.js';
import type { PasswordHasher, UnitOfWork } from './ports.js';
import { ownView } from './views.js';

/** Another service's part of an export (`commonV1.UserData.ExportUserData`), behind a port. */
export interface PeerExporter {
  name: string;
  /** The service's JSON document about the user; rejects (with `PeerAbsentError` when it knows why) otherwise. */
  exportUserData(userId: string): Promise<string>;
}

/** A peer that could not contribute, and why (`unavailable`, `unimplemented`, `deadline-exceeded`…). */
export class PeerAbsentError extends Error {
  override name = 'PeerAbsentError';
  constructor(
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`export peer absent: ${reason}`, options);
  }
}

export const ARCHIVE_FORMAT = 'diaspora-export/1';

export interface Archive {
  format: string;
  userId: string;
  requestedAt: string;
  generatedAt: string;
  /** Each service's section, by service name. */
  services: Record<string, unknown>;
  /** The services that could not contribute, and why. */
  absent: { service: string; reason: string }[];
  /** Every service asked, by name: `included` when its section is in `services`, otherwise why it is absent. */
  sources: Record<string, string>;
}

export function exportJobView(job: ExportJobRecord) {
  return {
    id: job.id,
    status: job.status,
    createdAt: job.createdAt.toISOString(),
    ...(job.completedAt ? { completedAt: job.completedAt.toISOString() } : {}),
    ...(job.status === 'ready' ? { archive: job.archive as Archive } : {}),
    ...(job.status === 'failed' ? { error: 'The archive could not be built; ask for a new export.' } : {}),
  };
}

/**
 * GDPR: the member's archive (this service's data plus every peer's part, built by a background job) and
 * erasure (anonymization here, `users.user.deleted` for every other service).
 */
export class GdprService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly passwords: PasswordHasher,
    private readonly peers: PeerExporter[],
    private readonly logger: Logger,
    private readonly wakeWorker: () => void,
  ) {}

  /** Everything this service holds about the member (also served to peers over `commonV1.UserData`). */
  async ownData(userId: string): Promise<Record<string, unknown> | null> {
    const user = await this.uow.read.users.findById(userId);
    if (!user) return null;
    const [graph, sessions, identities, assignments, audit] = await Promise.all([
      this.uow.read.graph.exportOf(userId),
      this.uow.read.sessions.listActive(userId),
      this.uow.read.identities.listOf(userId),
      this.uow.read.roles.activeOf(userId),
      this.uow.read.roles.auditOf(userId),
    ]);
    return {
      profile: { ...ownView(user), ...(user.coordinates ? { coordinates: user.coordinates } : {}) },
      ...graph,
      sessions,
      linkedAccounts: identities.map(({ provider, email, createdAt }) => ({ provider, email, linkedAt: createdAt })),
      roles: assignments.map(({ role, country, city, appointedAt }) => ({ role, country, city, appointedAt })),
      roleHistory: audit,
      account: {
        status: user.status,
        ...(user.suspension
          ? { suspension: { reason: user.suspension.reason, since: user.suspension.at, until: user.suspension.until } }
          : {}),
      },
    };
  }

  /** Starts an export, or returns the one still being built (one at a time per member). */
  async requestExport(userId: string) {
    const job = await this.uow.run(async (scope) => {
      if (!(await scope.users.lock(userId))) throw problems.notFound('user');
      return (await scope.exports.openJobOf(userId)) ?? scope.exports.create({ id: newId('exp'), userId });
    });
    this.wakeWorker();
    return exportJobView(job);
  }

  /** A member's own export job; anybody else's is not found. */
  async getExport(userId: string, jobId: string) {
    const job = await this.uow.read.exports.find(jobId);
    if (!job || job.userId !== userId) throw problems.notFound('export');
    return exportJobView(job);
  }

  /** Builds the archive of one job: this service's section, each peer's, and who could not answer. */
  async buildArchive(job: ExportJobRecord): Promise<Archive> {
    const own = await this.ownData(job.userId);
    const services: Record<string, unknown> = { user: own ?? {} };
    const absent: { service: string; reason: string }[] = [];
    await Promise.all(
      this.peers.map(async (peer) => {
        try {
          services[peer.name] = JSON.parse(await peer.exportUserData(job.userId));
        } catch (error) {
          const reason =
            error instanceof PeerAbsentError
              ? error.reason
              : error instanceof SyntaxError
                ? 'invalid-json'
                : 'unreachable';
          this.logger.info({ peer: peer.name, reason, jobId: job.id }, 'export peer absent');
          absent.push({ service: peer.name, reason });
        }
      }),
    );
    absent.sort((a, b) => a.service.localeCompare(b.service));
    const answered = Object.keys(services).map((service) => [service, 'included']);
    const sources = Object.fromEntries(
      [...answered, ...absent.map(({ service, reason }) => [service, reason])].sort(([a], [b]) => a!.localeCompare(b!)),
    );
    return {
      format: ARCHIVE_FORMAT,
      userId: job.userId,
      requestedAt: job.createdAt.toISOString(),
      generatedAt: new Date().toISOString(),
      services,
      absent,
      sources,
    };
  }

  /** Claims and completes at most one pending job; true when there was one. */
  async processNext(staleAfterMs: number): Promise<boolean> {
    const job = await this.uow.run((scope) => scope.exports.claimNext(staleAfterMs));
    if (!job) return false;
    try {
      const archive = await this.buildArchive(job);
      await this.uow.run((scope) => scope.exports.complete(job.id, archive));
    } catch (error) {
      this.logger.error({ err: error, jobId: job.id }, 'export failed');
      await this.uow.run((scope) => scope.exports.fail(job.id, (error as Error).message ?? 'failed'));
    }
    return true;
  }

  /**
   * Erases the account: appointments withdrawn (audited, published), graph edges, sessions, tokens, linked
   * providers and exports deleted, the profile anonymized, and users.user.deleted published so every other
   * service erases its part. Accounts with a password confirm with it.
   */
  async erase(userId: string, password: string | undefined): Promise<void> {
    const user = await this.uow.read.users.findById(userId);
    if (!user) throw problems.notFound('user');
    if (user.passwordHash) {
      if (!password) {
        throw problems.validation([{ field: 'password', message: 'is required to delete an account with a password' }]);
      }
      if (!(await this.passwords.verify(password, user.passwordHash))) {
        throw new Problem(403, {
          type: 'wrong-password',
          detail: 'The password is not right.',
          errors: [{ field: 'password', message: 'is not your password' }],
        });
      }
    }
    await this.uow.run(async (scope) => {
      if (!(await scope.users.lock(userId))) throw problems.notFound('user');
      for (const assignment of await scope.roles.activeOf(userId)) await withdraw(scope, assignment, userId);
      await scope.graph.eraseUser(userId);
      await scope.sessions.deleteAllOf(userId);
      await scope.tokens.deleteAllOf(userId);
      await scope.identities.deleteAllOf(userId);
      await scope.exports.deleteAllOf(userId);
      await scope.roles.forgetSubscriptions(userId);
      await scope.users.anonymize(userId);
      await scope.publish(UserDeleted, { userId, deletedAt: new Date().toISOString() });
    });
  }
}
