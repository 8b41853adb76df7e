import type { Logger } from '@diaspora/service-kit';
import type { UnitOfWork, UserDirectory } from '../domain/ports.js';

const PAGE = 100;

/**
 * Copies the user service's role audit (appointments and revocations, which no API showed before) into the one
 * audit log. Newest first: it stops at the first page with nothing new, so a run after the first costs one call.
 * Each entry has a source key, so runs racing each other (several instances, role events) insert it once.
 */
export function roleAuditSync(deps: { uow: UnitOfWork; directory: UserDirectory; logger: Logger }) {
  let running: Promise<number> | undefined;
  const run = async (): Promise<number> => {
    let pageToken = '';
    let added = 0;
    for (let pages = 0; pages < 1000; pages++) {
      const answer = await deps.directory.roleAudit(pageToken, PAGE);
      let fresh = 0;
      for (const entry of answer.entries) {
        const inserted = await deps.uow.read.audit.append({
          at: new Date(entry.at),
          actorId: entry.actorId,
          action: `role.${entry.action}`,
          targetType: 'user',
          targetId: entry.userId,
          details: { role: entry.role },
          ...(entry.country ? { country: entry.country } : {}),
          ...(entry.city ? { city: entry.city } : {}),
          source: 'user-service',
          sourceKey: `role:${entry.at}:${entry.userId}:${entry.role}:${entry.action}:${entry.actorId}`,
        });
        if (inserted) fresh++;
      }
      added += fresh;
      if (fresh === 0 || !answer.nextPageToken) break;
      pageToken = answer.nextPageToken;
    }
    if (added) deps.logger.info({ added }, 'role audit entries imported');
    return added;
  };
  // One run at a time per instance; a caller arriving meanwhile waits for the current run.
  return () => {
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  };
}
