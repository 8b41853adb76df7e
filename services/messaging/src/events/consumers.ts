import { BlockCreated, BlockDeleted, TierChanged } from '@diaspora/events';
import { type Database, type EventConsumer, idempotentConsumer } from '@diaspora/service-kit';
import type { EffectiveTiers } from '../domain/effective-tiers.js';
import type { Relationships, UnitOfWork } from '../domain/ports.js';

/** What the messaging service does with other services' events (users.user.deleted: the kit's userData part). */
export function messagingConsumers(deps: {
  db: Database;
  uow: UnitOfWork;
  tiers: EffectiveTiers;
  relationships: Relationships;
  forgetConversations: () => void;
}): EventConsumer[] {
  const members = (tx: Parameters<UnitOfWork['scopeFor']>[0]) => deps.uow.scopeFor(tx).members;
  return [
    idempotentConsumer(deps.db, 'tier-changed', TierChanged, async (tx, data) => {
      await members(tx).setTier(data.userId, data.tier, data.at);
      deps.tiers.forget(data.userId);
    }),
    // A block ends a direct conversation at once (and a cached "may message" answer with it); lifting it resumes.
    idempotentConsumer(deps.db, 'block-created', BlockCreated, async (tx, data) => {
      await members(tx).setBlock(data.blockerId, data.blockedId, true, data.at);
      await deps.relationships.forget(data.blockerId, data.blockedId);
      deps.forgetConversations();
    }),
    idempotentConsumer(deps.db, 'block-deleted', BlockDeleted, async (tx, data) => {
      await members(tx).setBlock(data.blockerId, data.blockedId, false, data.at);
      await deps.relationships.forget(data.blockerId, data.blockedId);
      deps.forgetConversations();
    }),
  ];
}
