import { MessageCreated } from '@diaspora/events';
import { type CursorCodec, cursorBinding, newId, Problem, positions, problems } from '@diaspora/service-kit';
import type { MemberDirectory, Roster } from './member-directory.js';
import { type MessageType, previewOf, validateBody } from './message-content.js';
import type { Actor, Member, Message, StoredAttachment } from './model.js';
import {
  type AppendResult,
  ClientMessageIdTaken,
  type DeliveredEntry,
  type LiveFanout,
  type NewMessage,
  type Quotas,
  type UnitOfWork,
} from './ports.js';

export interface SendInput {
  type: MessageType;
  body: unknown;
  clientMessageId: string;
  attachments?: string[];
}

export interface MessagesOptions {
  maxTextChars: number;
  editWindowMs: number;
  deleteWindowMs: number;
}

/** Deletes stored media files (the storage port); failures are logged by the caller, not fatal. */
export type DeleteFiles = (keys: string[]) => Promise<void>;

const CLIENT_MESSAGE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Messages: sending (idempotent, within permissions and quotas), history, edits, deletes, read receipts. */
export class MessagesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly directory: MemberDirectory,
    private readonly quotas: Quotas,
    private readonly live: LiveFanout,
    private readonly deleteFiles: DeleteFiles,
    private readonly cursors: CursorCodec,
    private readonly options: MessagesOptions,
  ) {}

  private get conversations() {
    return this.uow.read.conversations;
  }

  private get messages() {
    return this.uow.read.messages;
  }

  private get media() {
    return this.uow.read.media;
  }

  /**
   * Stores and fans out a message. Retrying with the same clientMessageId returns the stored message (`replayed`),
   * never a second one. Recipients without a connected device get a messaging.message.created event, written in
   * the same transaction as the message.
   */
  async send(actor: Actor, conversationId: string, input: SendInput): Promise<{ message: Message; replayed: boolean }> {
    if (!CLIENT_MESSAGE_ID.test(input.clientMessageId))
      throw problems.validation([{ field: 'clientMessageId', message: 'must be 1 to 64 of A-Z a-z 0-9 . _ : -' }]);
    const attachmentIds = [...new Set(input.attachments ?? [])];
    const body = validateBody(input.type, input.body, {
      maxTextChars: this.options.maxTextChars,
      hasAttachments: attachmentIds.length > 0,
    });
    if (attachmentIds.length && input.type !== 'text')
      throw problems.validation([{ field: 'attachments', message: 'only text messages carry attachments' }]);
    const roster = await this.directory.requireMember(conversationId, actor.userId);

    // A replay must neither count against the quota nor be refused by it (looked up only when the quota says no:
    // otherwise the store recognises the replay on insert).
    try {
      await this.quotas.check(actor, 'messages');
    } catch (refusal) {
      const previous = await this.messages.findByClientId(actor.userId, input.clientMessageId);
      if (previous) return { message: this.sameConversation(previous, conversationId), replayed: true };
      throw refusal;
    }
    // Privacy settings decide who may start a conversation (asked when it is opened); once it exists, only a block
    // ends it. Blocks come from users.block.* events, so the hot path never waits on the user service.
    if (roster.blocked)
      throw new Problem(403, {
        type: 'messaging-not-allowed',
        detail: 'A block between you and this member ends this conversation.',
      });
    if ('replyTo' in body && body.replyTo) {
      const target = await this.messages.findById(body.replyTo);
      if (!target || target.conversationId !== conversationId)
        throw problems.validation([{ field: 'body.replyTo', message: 'must be a message of this conversation' }]);
    }
    const attachments = await this.attachments(actor.userId, attachmentIds);

    const offline = await this.offlineRecipients(roster, actor.userId);
    const message: NewMessage = {
      id: newId('msg'),
      conversationId,
      senderId: actor.userId,
      clientMessageId: input.clientMessageId,
      type: input.type,
      body,
      attachments,
    };
    let result: AppendResult;
    try {
      result = await this.append(message, roster, offline);
    } catch (error) {
      // A replay racing its original: the unique index answered, the stored message is the answer.
      if (!(error instanceof ClientMessageIdTaken)) throw error;
      const existing = await this.messages.findByClientId(actor.userId, input.clientMessageId);
      if (!existing) throw error;
      return { message: this.sameConversation(existing, conversationId), replayed: true };
    }
    if (result.outcome === 'not_member') {
      this.directory.forget(conversationId);
      throw new Problem(403, { type: 'not-a-member', detail: 'You are not a member of this conversation.' });
    }
    await this.quotas.consume(actor, 'messages');
    this.live.message(result.message, result.memberIds);
    return { message: result.message, replayed: false };
  }

  /**
   * Stores the message; with attachments or offline recipients, in one transaction with the media taken and the
   * messaging.message.created event. The common case (neither) is a single autocommitted statement: one round trip.
   */
  private append(message: NewMessage, roster: Roster, offline: string[]): Promise<AppendResult> {
    const ids = message.attachments.map((attachment) => attachment.id);
    if (ids.length === 0 && offline.length === 0) return this.messages.append(message);
    return this.uow.run(async (scope) => {
      const appended = await scope.messages.append(message);
      if (appended.outcome !== 'created') return appended;
      if (ids.length && (await scope.media.attach(message.id, message.senderId, ids)) !== ids.length)
        throw problems.conflict('An attachment is already used by another message.', 'attachment-in-use');
      const stored = appended.message;
      if (offline.length)
        await scope.publish(MessageCreated, {
          messageId: stored.id,
          conversationId: message.conversationId,
          conversationType: roster.conversation.type,
          ...(roster.conversation.title ? { conversationTitle: roster.conversation.title } : {}),
          senderId: message.senderId,
          offlineRecipientIds: offline,
          type: stored.type,
          preview: previewOf(stored.type, message.body, ids.length),
          createdAt: stored.createdAt.toISOString(),
        });
      return appended;
    });
  }

  private sameConversation(message: Message, conversationId: string): Message {
    if (message.conversationId !== conversationId)
      throw problems.conflict(
        'This clientMessageId was already used for another conversation.',
        'client-message-id-reused',
      );
    return message;
  }

  private async attachments(ownerId: string, ids: string[]): Promise<StoredAttachment[]> {
    if (ids.length === 0) return [];
    if (ids.length > 10) throw problems.validation([{ field: 'attachments', message: 'at most 10 attachments' }]);
    const found = await this.media.attachable(ownerId, ids);
    const missing = ids.filter((id) => !found.some((media) => media.id === id));
    if (missing.length)
      throw problems.validation(
        missing.map((id) => ({ field: 'attachments', message: `${id} is not an unused upload of yours` })),
      );
    return ids.map((id) => {
      const media = found.find((candidate) => candidate.id === id)!;
      return { id: media.id, key: media.key, contentType: media.contentType, size: media.size };
    });
  }

  /** Members other than the sender with no connected device, minus those who muted the conversation. */
  private async offlineRecipients(roster: Roster, senderId: string): Promise<string[]> {
    const now = Date.now();
    const candidates = roster.members
      .filter((member) => member.userId !== senderId && !(member.mutedUntil && member.mutedUntil.getTime() > now))
      .map((member) => member.userId);
    if (candidates.length === 0) return [];
    const online = await this.live.online(candidates);
    return candidates.filter((id) => !online.has(id));
  }

  /** Newest first, from what the member may see (messages after they joined); the cursor is a position. */
  async history(actor: Actor, conversationId: string, page: { limit: number; cursor?: string }) {
    await this.directory.requireMember(conversationId, actor.userId);
    const members = await this.conversations.members(conversationId);
    const me = members.find((member) => member.userId === actor.userId);
    if (!me) throw new Problem(403, { type: 'not-a-member', detail: 'You are not a member of this conversation.' });
    // A cursor is good for this conversation and this member only.
    const binding = cursorBinding('messages', actor.userId, { conversationId });
    const beforeSeq = this.cursors.decodeOptional(page.cursor, binding, positions.count) ?? null;
    const rows = await this.messages.page(conversationId, { beforeSeq, minSeq: me.joinedSeq, limit: page.limit + 1 });
    const items = rows.slice(0, page.limit);
    const last = rows.length > page.limit ? items[items.length - 1] : undefined;
    return {
      items,
      members,
      nextCursor: last ? this.cursors.encode(binding, last.seq) : null,
    };
  }

  private async ownMessage(actor: Actor, conversationId: string, messageId: string, windowMs: number, verb: string) {
    const roster = await this.directory.requireMember(conversationId, actor.userId);
    const message = await this.messages.findById(messageId);
    if (!message || message.conversationId !== conversationId) throw problems.notFound('message');
    if (message.senderId !== actor.userId) throw problems.forbidden(`Only its sender can ${verb} a message.`);
    if (Date.now() - message.createdAt.getTime() > windowMs)
      throw new Problem(403, {
        type: `${verb}-window-closed`,
        detail: `Messages can be ${verb === 'edit' ? 'edited' : 'deleted'} for ${Math.round(windowMs / 60_000)} minutes after sending.`,
      });
    return { roster, message };
  }

  async edit(actor: Actor, conversationId: string, messageId: string, rawBody: unknown): Promise<Message> {
    const { roster, message } = await this.ownMessage(
      actor,
      conversationId,
      messageId,
      this.options.editWindowMs,
      'edit',
    );
    if (message.deletedAt) throw problems.gone('The message was deleted.');
    if (message.type !== 'text') throw problems.conflict('Only text messages can be edited.', 'not-editable');
    const body = validateBody('text', rawBody, {
      maxTextChars: this.options.maxTextChars,
      hasAttachments: message.attachments.length > 0,
    });
    const edited = await this.messages.edit(messageId, body);
    this.live.updated(edited, roster.memberIds, 'edited');
    return edited;
  }

  /** Deletes for everyone: the row stays as a tombstone (order and seqs do not move), content and files go. */
  async remove(actor: Actor, conversationId: string, messageId: string): Promise<void> {
    const { roster, message } = await this.ownMessage(
      actor,
      conversationId,
      messageId,
      this.options.deleteWindowMs,
      'delete',
    );
    if (message.deletedAt) return;
    const removed = await this.uow.run((scope) => scope.messages.tombstone(messageId));
    await this.deleteFiles(message.attachments.map((attachment) => attachment.key));
    this.live.updated(removed, roster.memberIds, 'deleted');
  }

  /** Moves the reader's read watermark up to `upTo` (never back) and tells the other members' devices. */
  async markRead(actor: Actor, conversationId: string, upTo: string) {
    const roster = await this.directory.requireMember(conversationId, actor.userId);
    const message = await this.messages.findById(upTo);
    if (!message || message.conversationId !== conversationId)
      throw problems.validation([{ field: 'upTo', message: 'must be a message of this conversation' }]);
    const moved = await this.conversations.advanceRead(conversationId, actor.userId, message.seq);
    if (moved) this.statusChanged(roster.memberIds, conversationId, actor.userId, 'read', message);
    const me = await this.conversations.member(conversationId, actor.userId);
    return { conversationId, lastReadSeq: me?.lastReadSeq ?? message.seq, moved };
  }

  /**
   * Devices received messages up to these (batched by the realtime layer): the watermarks move, and the other
   * members' devices are told (the member's own devices know what they received).
   */
  async markDelivered(entries: (DeliveredEntry & { messageId: string })[]): Promise<void> {
    if (entries.length === 0) return;
    const moved = await this.uow.run((scope) => scope.conversations.advanceDelivered(entries));
    for (const entry of moved) {
      const roster = await this.directory.roster(entry.conversationId);
      const messageId = entries.find(
        (candidate) => candidate.conversationId === entry.conversationId && candidate.userId === entry.userId,
      )!.messageId;
      if (roster)
        this.statusChanged(
          roster.memberIds.filter((id) => id !== entry.userId),
          entry.conversationId,
          entry.userId,
          'delivered',
          { id: messageId, seq: entry.seq },
        );
    }
  }

  private statusChanged(
    memberIds: string[],
    conversationId: string,
    userId: string,
    status: 'delivered' | 'read',
    upTo: { id: string; seq: number },
  ): void {
    this.live.frame(memberIds, {
      op: 'status',
      conversationId,
      userId,
      status,
      upToMessageId: upTo.id,
      upToSeq: upTo.seq,
      at: new Date().toISOString(),
    });
  }

  /** Per member of the conversation, how far a message got: for group read state ("seen by"). */
  async receipts(actor: Actor, conversationId: string, messageId: string) {
    await this.directory.requireMember(conversationId, actor.userId);
    const message = await this.messages.findById(messageId);
    if (!message || message.conversationId !== conversationId) throw problems.notFound('message');
    const members = await this.conversations.members(conversationId);
    const others = members.filter(
      (member: Member) => member.userId !== message.senderId && member.joinedSeq < message.seq,
    );
    return {
      messageId,
      readBy: others.filter((member) => member.lastReadSeq >= message.seq).map((member) => member.userId),
      deliveredTo: others
        .filter((member) => member.lastDeliveredSeq >= message.seq && member.lastReadSeq < message.seq)
        .map((member) => member.userId),
      pending: others.filter((member) => member.lastDeliveredSeq < message.seq).map((member) => member.userId),
    };
  }
}
