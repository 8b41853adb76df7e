import type { Queryable } from '@diaspora/service-kit';
import type { Stores } from '../domain/ports.js';
import { PgConversationStore } from './conversations-repository.js';
import { PgMediaStore } from './media-repository.js';
import { PgMemberData } from './members-data.js';
import { PgMessageStore } from './messages-repository.js';

/** The stores over one queryable: the pool (`uow.read`) or a transaction's client (a scope). */
export function messagingStores(q: Queryable): Stores {
  return {
    conversations: new PgConversationStore(q),
    messages: new PgMessageStore(q),
    media: new PgMediaStore(q),
    members: new PgMemberData(q),
  };
}
