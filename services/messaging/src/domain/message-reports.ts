import { MessageReported } from '@diaspora/events';
import { newId, problems } from '@diaspora/service-kit';
import type { Message } from './model.js';
import type { UnitOfWork } from './ports.js';

/**
 * A participant reports a message of their conversation: the message travels with the report to the admin
 * moderation queue, for its moderators' review only (messaging.message.reported). Nothing else leaves the
 * conversation, and nothing is stored here: the queue counts each reporter once per case.
 */
export class MessageReports {
  constructor(private readonly uow: UnitOfWork) {}

  async report(reporterId: string, conversationId: string, messageId: string, reason: string) {
    const membership = await this.uow.read.conversations.member(conversationId, reporterId);
    // Not a participant: the conversation does not exist for them.
    if (!membership) throw problems.notFound('conversation');
    const message = await this.uow.read.messages.findById(messageId);
    // Messages before the reporter joined are not theirs to see, let alone report.
    if (
      !message ||
      message.conversationId !== conversationId ||
      message.deletedAt ||
      message.seq <= membership.joinedSeq
    )
      throw problems.notFound('message');
    if (message.senderId === reporterId)
      throw problems.badRequest('You cannot report your own message.', 'own-message');
    const at = new Date();
    const id = newId('rpt');
    await this.uow.run((scope) =>
      scope.publish(MessageReported, {
        reportId: id,
        messageId,
        conversationId,
        senderId: message.senderId,
        reporterId,
        reason,
        message: { type: message.type, body: reviewText(message), createdAt: message.createdAt.toISOString() },
        at: at.toISOString(),
      }),
    );
    return { id, conversationId, messageId, reason, createdAt: at.toISOString() };
  }
}

/** The text a moderator reads: the message's text, or its other body as JSON (emoji, location, contact card). */
function reviewText(message: Message): string {
  const body = message.body as Record<string, unknown>;
  return typeof body.text === 'string' ? body.text : JSON.stringify(body);
}
