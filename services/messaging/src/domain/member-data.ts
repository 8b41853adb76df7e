import type { Logger } from '@diaspora/service-kit';
import type { DeleteFiles } from './messages-service.js';
import type { Scope, UnitOfWork } from './ports.js';

/**
 * GDPR, this service's part (the kit serves the export over gRPC and runs `erase` once per users.user.deleted, in
 * the consumer's transaction). Files are removed before that transaction commits: should removing them fail, the
 * event is redelivered and the erasure runs again; once committed, a redelivery is skipped and removes nothing.
 */
export function memberData(deps: {
  uow: UnitOfWork;
  deleteFiles: DeleteFiles;
  /** Conversations changed in ways the member directory cannot list cheaply: it forgets everything. */
  forgetConversations: () => void;
  logger: Logger;
}) {
  return {
    export: (userId: string) => deps.uow.read.members.export(userId),
    async erase(scope: Scope, userId: string): Promise<void> {
      const keys = await scope.members.erase(userId);
      await deps.deleteFiles(keys);
      deps.forgetConversations();
      deps.logger.info({ userId, files: keys.length }, 'member erased');
    },
  };
}
