import { BlockCreated, BlockDeleted, TierChanged, UserDeleted } from '@diaspora/events';
import { type Database, type EventConsumer, idempotentConsumer, type Logger } from '@diaspora/service-kit';
import type { Relationships } from '../domain/ports.js';
import type { PgMemberData } from '../store/members-data.js';
import type { EffectiveTiers } from '../store/tiers.js';

/** What the messaging service does with other services' events. */
export function messagingConsumers(deps: {
  db: Database;
  data: PgMemberData;
  tiers: EffectiveTiers;
  relationships: Relationships;
  deleteFiles: (keys: string[]) => Promise<void>;
  forgetConversations: () => void;
  logger: Logger;
}): EventConsumer[] {
  return [
    // GDPR erasure: once per event, in one transaction (files are removed before it commits; a retry removes none).
    idempotentConsumer(deps.db, 'erase-user', UserDeleted, async (tx, data) => {
      const keys = await deps.data.erase(tx, data.userId);
      await deps.deleteFiles(keys);
      deps.forgetConversations();
      deps.logger.info({ userId: data.userId, files: keys.length }, 'member erased');
    }),
    idempotentConsumer(deps.db, 'tier-changed', TierChanged, async (tx, data) => {
      await deps.data.setTier(tx, data.userId, data.tier, data.at);
      deps.tiers.forget(data.userId);
    }),
    // A block ends a direct conversation at once (and a cached "may message" answer with it); lifting it resumes.
    idempotentConsumer(deps.db, 'block-created', BlockCreated, async (tx, data) => {
      await deps.data.setBlock(tx, data.blockerId, data.blockedId, true, data.at);
      await deps.relationships.forget(data.blockerId, data.blockedId);
      deps.forgetConversations();
    }),
    idempotentConsumer(deps.db, 'block-deleted', BlockDeleted, async (tx, data) => {
      await deps.data.setBlock(tx, data.blockerId, data.blockedId, false, data.at);
      await deps.relationships.forget(data.blockerId, data.blockedId);
      deps.forgetConversations();
    }),
  ];
}
