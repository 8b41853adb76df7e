import { Problem, problems } from '@diaspora/service-kit';
import type { Conversation, Member } from './model.js';
import type { ConversationStore } from './ports.js';

export interface Roster {
  conversation: Conversation;
  members: Member[];
  memberIds: string[];
  /** Direct conversations: one of the two blocked the other, so neither may send. */
  blocked: boolean;
}

/**
 * Who is in a conversation (and, for a direct one, whether a block stands between the two), remembered up to ten
 * seconds: every send, typing frame and status change needs it, and membership changes rarely. Changes made here
 * are forgotten at once; other instances catch up within the TTL.
 * Watermarks in cached rosters are stale by design: callers needing them read the store.
 */
export class MemberDirectory {
  /** `at`: when the entry expires. */
  private readonly entries = new Map<string, { roster: Roster; at: number }>();

  constructor(
    private readonly store: ConversationStore,
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 20_000,
  ) {}

  async roster(conversationId: string): Promise<Roster | null> {
    const cached = this.entries.get(conversationId);
    if (cached && Date.now() < cached.at) return cached.roster;
    const conversation = await this.store.find(conversationId);
    if (!conversation) {
      this.entries.delete(conversationId);
      return null;
    }
    const members = await this.store.members(conversationId);
    const memberIds = members.map((member) => member.userId);
    const blocked =
      conversation.type === 'direct' && memberIds.length === 2
        ? await this.store.blockedEitherWay(memberIds[0]!, memberIds[1]!)
        : false;
    const roster = { conversation, members, memberIds, blocked };
    this.entries.delete(conversationId);
    // Expiries spread over 50–100% of the TTL, so rosters loaded together are not all reloaded together.
    this.entries.set(conversationId, { roster, at: Date.now() + this.ttlMs * (0.5 + Math.random() / 2) });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return roster;
  }

  /**
   * The roster, when `userId` is a member: 404 when the conversation does not exist, 403 when it does but the
   * user is not in it. A cached "not a member" is re-checked against the store (they may have just been added).
   */
  async requireMember(conversationId: string, userId: string): Promise<Roster> {
    let roster = await this.roster(conversationId);
    if (roster && !roster.memberIds.includes(userId)) {
      this.forget(conversationId);
      roster = await this.roster(conversationId);
    }
    if (!roster) throw problems.notFound('conversation');
    if (!roster.memberIds.includes(userId))
      throw new Problem(403, { type: 'not-a-member', detail: 'You are not a member of this conversation.' });
    return roster;
  }

  forget(conversationId: string): void {
    this.entries.delete(conversationId);
  }

  /** Forgets everything (after an erasure touched conversations we cannot list cheaply). */
  clear(): void {
    this.entries.clear();
  }
}
