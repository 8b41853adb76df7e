import { type CursorCodec, cursorBinding, newId, Problem, problems } from '@diaspora/service-kit';
import type { MemberDirectory } from './member-directory.js';
import type { Actor, Member } from './model.js';
import type {
  ConversationPosition,
  ConversationSummary,
  LiveFanout,
  Quotas,
  Relationships,
  UnitOfWork,
} from './ports.js';

export interface ConversationDetail extends ConversationSummary {
  members: Member[];
}

const TITLE_MAX = 100;

function cleanTitle(title: string): string {
  const clean = title.normalize('NFC').trim();
  if (!clean || [...clean].length > TITLE_MAX || /\p{Cc}/u.test(clean))
    throw problems.validation([{ field: 'title', message: `must be 1 to ${TITLE_MAX} printable characters` }]);
  return clean;
}

/** A position of the conversation list: activity in microseconds (digits) and a conversation id. */
const isPosition = (p: unknown): p is ConversationPosition =>
  Array.isArray(p) &&
  p.length === 2 &&
  typeof p[0] === 'string' &&
  /^\d{1,20}$/.test(p[0]) &&
  typeof p[1] === 'string' &&
  /^cnv_[0-9a-z]{26}$/.test(p[1]);

/** Conversations: opening them (within privacy, blocks and quotas), listing, and running groups. */
export class ConversationsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly directory: MemberDirectory,
    private readonly relationships: Relationships,
    private readonly quotas: Quotas,
    private readonly live: LiveFanout,
    private readonly cursors: CursorCodec,
    private readonly options: { groupMaxMembers: number },
  ) {}

  private get store() {
    return this.uow.read.conversations;
  }

  /** Refuses unless every target accepts messages from the actor; all are asked at once. */
  private async assertMayMessage(actorId: string, targetIds: string[]): Promise<void> {
    const answers = await Promise.all(targetIds.map((id) => this.relationships.canMessage(actorId, id)));
    const refused = targetIds.filter((_, i) => !answers[i]);
    if (refused.length)
      throw new Problem(403, {
        type: 'messaging-not-allowed',
        detail: `Their privacy settings do not let you message ${refused.length === 1 ? 'this member' : 'these members'}.`,
        extensions: { userIds: refused },
      });
  }

  /**
   * One other participant and no title: the pair's direct conversation (returned as is when it exists). Otherwise a
   * group the actor administers.
   */
  async open(actor: Actor, input: { participantIds: string[]; title?: string }) {
    const others = [...new Set(input.participantIds)].filter((id) => id !== actor.userId);
    if (others.length === 0)
      throw problems.validation([{ field: 'participantIds', message: 'must name at least one other member' }]);
    if (others.length + 1 > this.options.groupMaxMembers)
      throw problems.validation([
        { field: 'participantIds', message: `a group has at most ${this.options.groupMaxMembers} members` },
      ]);
    const direct = others.length === 1 && input.title === undefined;
    if (direct) {
      const existing = await this.store.summaryOfPair(actor.userId, others[0]!);
      if (existing) return { summary: existing, created: false };
    }
    const title = input.title === undefined ? undefined : cleanTitle(input.title);
    await this.quotas.check(actor, 'conversations');
    await this.assertMayMessage(actor.userId, others);
    let conversationId: string;
    let created = true;
    if (direct) {
      const opened = await this.uow.run((scope) =>
        scope.conversations.openDirect({ id: newId('cnv'), creatorId: actor.userId, peerId: others[0]! }),
      );
      conversationId = opened.conversation.id;
      created = opened.created;
    } else {
      const group = await this.uow.run((scope) =>
        scope.conversations.createGroup({
          id: newId('cnv'),
          creatorId: actor.userId,
          title: title ?? '',
          memberIds: others,
        }),
      );
      conversationId = group.id;
    }
    if (created) {
      await this.quotas.consume(actor, 'conversations');
      this.live.frame([actor.userId, ...others], { op: 'conversation', event: 'created', conversationId });
    }
    const summary = await this.store.summary(conversationId, actor.userId);
    return { summary: summary!, created };
  }

  /** Newest activity first; a cursor is good for its member's list only. */
  async list(actor: Actor, page: { limit: number; cursor?: string }) {
    const binding = cursorBinding('conversations', actor.userId);
    const after = this.cursors.decodeOptional(page.cursor, binding, isPosition);
    const { items, next } = await this.store.listFor(actor.userId, { limit: page.limit, after });
    return { items, nextCursor: next ? this.cursors.encode(binding, next) : null };
  }

  async get(actor: Actor, conversationId: string): Promise<ConversationDetail> {
    await this.directory.requireMember(conversationId, actor.userId);
    const [summary, members] = await Promise.all([
      this.store.summary(conversationId, actor.userId),
      this.store.members(conversationId),
    ]);
    if (!summary) throw problems.notFound('conversation');
    return { ...summary, members };
  }

  private async requireGroupAdmin(actor: Actor, conversationId: string) {
    const roster = await this.directory.requireMember(conversationId, actor.userId);
    if (roster.conversation.type !== 'group')
      throw problems.conflict('A direct conversation has no title, admins or other members.', 'not-a-group');
    if (roster.members.find((member) => member.userId === actor.userId)?.role !== 'admin')
      throw problems.forbidden('Only the group admins can do this.');
    return roster;
  }

  private changed(conversationId: string, userIds: string[], frame: Record<string, unknown>): void {
    this.directory.forget(conversationId);
    this.live.frame(userIds, { op: 'conversation', conversationId, ...frame });
  }

  async rename(actor: Actor, conversationId: string, title: string): Promise<ConversationDetail> {
    const roster = await this.requireGroupAdmin(actor, conversationId);
    await this.store.setTitle(conversationId, cleanTitle(title));
    this.changed(conversationId, roster.memberIds, { event: 'updated', by: actor.userId });
    return this.get(actor, conversationId);
  }

  async addMembers(actor: Actor, conversationId: string, userIds: string[]): Promise<ConversationDetail> {
    const roster = await this.requireGroupAdmin(actor, conversationId);
    const newcomers = [...new Set(userIds)].filter((id) => !roster.memberIds.includes(id));
    if (roster.memberIds.length + newcomers.length > this.options.groupMaxMembers)
      throw problems.conflict(`A group has at most ${this.options.groupMaxMembers} members.`, 'group-full');
    await this.assertMayMessage(actor.userId, newcomers);
    const added = await this.store.addMembers(conversationId, newcomers);
    if (added.length)
      this.changed(conversationId, [...roster.memberIds, ...added], {
        event: 'members_added',
        userIds: added,
        by: actor.userId,
      });
    return this.get(actor, conversationId);
  }

  /** An admin removes a member, or a member (any) leaves: `userId` is themselves. */
  async removeMember(actor: Actor, conversationId: string, userId: string): Promise<void> {
    const roster = await this.directory.requireMember(conversationId, actor.userId);
    if (roster.conversation.type !== 'group')
      throw problems.conflict('A direct conversation cannot be left.', 'not-a-group');
    if (userId !== actor.userId) await this.requireGroupAdmin(actor, conversationId);
    if (!roster.memberIds.includes(userId)) throw problems.notFound('member');
    await this.uow.run((scope) => scope.conversations.removeMember(conversationId, userId));
    this.live.removed(conversationId, [userId]);
    this.changed(conversationId, roster.memberIds, {
      event: userId === actor.userId ? 'member_left' : 'member_removed',
      userIds: [userId],
      by: actor.userId,
    });
  }

  async setAdmin(actor: Actor, conversationId: string, userId: string, admin: boolean): Promise<ConversationDetail> {
    const roster = await this.requireGroupAdmin(actor, conversationId);
    const target = roster.members.find((member) => member.userId === userId);
    if (!target) throw problems.notFound('member');
    const admins = roster.members.filter((member) => member.role === 'admin');
    if (!admin && target.role === 'admin' && admins.length === 1)
      throw problems.conflict('A group needs at least one admin: appoint another one first.', 'last-admin');
    await this.store.setRole(conversationId, userId, admin ? 'admin' : 'member');
    this.changed(conversationId, roster.memberIds, { event: 'updated', by: actor.userId });
    return this.get(actor, conversationId);
  }

  async mute(actor: Actor, conversationId: string, until: Date | null): Promise<ConversationDetail> {
    await this.directory.requireMember(conversationId, actor.userId);
    if (until && until.getTime() <= Date.now())
      throw problems.validation([{ field: 'until', message: 'must be in the future' }]);
    await this.store.setMute(conversationId, actor.userId, until);
    this.directory.forget(conversationId);
    return this.get(actor, conversationId);
  }
}
