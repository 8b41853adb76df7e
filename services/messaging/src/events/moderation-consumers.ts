import { AdminMessageTakenDown } from '@diaspora/events';
import { type Database, type EventConsumer, idempotentConsumer } from '@diaspora/service-kit';
import type { UnitOfWork } from '../domain/ports.js';

/**
 * A moderator took a reported message down in the admin dashboard: it becomes a tombstone for everyone, as if
 * its sender had deleted it (its files go). Devices see it on their next history read (no live frame).
 */
export function moderationConsumers(deps: {
  db: Database;
  uow: UnitOfWork;
  deleteFiles: (keys: string[]) => Promise<void>;
}): EventConsumer[] {
  return [
    idempotentConsumer(deps.db, 'admin-message-taken-down', AdminMessageTakenDown, async (tx, data) => {
      const scope = deps.uow.scopeFor(tx);
      const message = await scope.messages.findById(data.messageId);
      if (!message || message.deletedAt) return;
      await scope.messages.tombstone(data.messageId);
      const keys = message.attachments.map((attachment) => attachment.key);
      if (keys.length) await deps.deleteFiles(keys);
    }),
  ];
}
