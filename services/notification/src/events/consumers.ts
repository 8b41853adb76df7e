import {
  CommentCreated,
  ConnectionAccepted,
  ConnectionRequested,
  type EventData,
  type EventDefinition,
  EventInvitationCreated,
  EventPublished,
  LikeCreated,
  MessageCreated,
  PostShared,
  RegistrationCanceled,
  RegistrationPromoted,
  ReminderDue,
  RoleAppointed,
  RoleRevoked,
  UserProfileUpdated,
  UserRegistered,
} from '@diaspora/events';
import { consumer, type EventConsumer } from '@diaspora/service-kit';
import type { Alerts } from '../domain/alerts.js';
import type { Notifier } from '../domain/notifier.js';
import type { Contacts, Scope, UnitOfWork } from '../domain/ports.js';
import type { NotificationRecord } from '../domain/types.js';

type Written = NotificationRecord | null;

/**
 * One consumer per source event. Each runs once per event (processed_events in the transaction that writes the
 * notifications and plans their deliveries); the live frames follow the commit.
 */
export function notificationConsumers(deps: {
  uow: UnitOfWork;
  notifier: Notifier;
  contacts: Contacts;
  alerts: Alerts;
}): EventConsumer[] {
  const { uow, notifier, contacts, alerts } = deps;
  const notifying = <D extends EventDefinition>(
    name: string,
    event: D,
    handle: (scope: Scope, data: EventData<D>) => Promise<Written[]>,
  ) =>
    consumer(name, event, async (data, envelope) => {
      const written = await uow.run(async (scope) =>
        (await scope.processed.first(name, envelope.id)) ? handle(scope, data) : [],
      );
      await notifier.live(written);
    });
  const name = (userId: string) => contacts.displayName(userId);

  return [
    notifying('connection-requested', ConnectionRequested, async (scope, d) => [
      await notifier.notify(scope, {
        recipientId: d.toUserId,
        type: 'connection_request',
        key: `requested:${d.requestId}`,
        text: 'connection_requested',
        params: { name: await name(d.fromUserId) },
        data: { kind: 'requested', requestId: d.requestId, userId: d.fromUserId },
      }),
    ]),
    notifying('connection-accepted', ConnectionAccepted, async (scope, d) => [
      await notifier.notify(scope, {
        recipientId: d.fromUserId,
        type: 'connection_request',
        key: `accepted:${d.requestId}`,
        text: 'connection_accepted',
        params: { name: await name(d.toUserId) },
        data: { kind: 'accepted', requestId: d.requestId, userId: d.toUserId },
      }),
    ]),
    notifying('role-appointed', RoleAppointed, async (scope, d) => {
      if (d.role === 'consul' && d.country && d.city) await scope.members.setConsul(d.userId, d.country, d.city);
      const place = d.role === 'super' ? 'the platform' : (d.city ?? d.country ?? '');
      return [
        await notifier.notify(scope, {
          recipientId: d.userId,
          type: 'appointment',
          key: `${d.role}:${d.country ?? ''}:${d.city ?? ''}:${d.at}`,
          text: 'appointed',
          params: { role: d.role, place },
          data: { role: d.role, country: d.country, city: d.city },
        }),
      ];
    }),
    notifying('role-revoked', RoleRevoked, async (scope, d) => {
      if (d.role === 'consul' && d.country) await scope.members.setConsul(d.userId, d.country, null);
      return [];
    }),
    notifying('comment-created', CommentCreated, async (scope, d) => {
      const commenter = await name(d.authorId);
      const excerpt = d.text.length > 140 ? `${d.text.slice(0, 139)}…` : d.text;
      const data = { postId: d.postId, commentId: d.commentId, userId: d.authorId };
      const written: Written[] = [];
      if (d.postAuthorId !== d.authorId)
        written.push(
          await notifier.notify(scope, {
            recipientId: d.postAuthorId,
            type: 'comment',
            key: d.commentId,
            text: 'comment',
            params: { name: commenter, excerpt },
            data,
          }),
        );
      if (d.parentAuthorId && d.parentAuthorId !== d.authorId && d.parentAuthorId !== d.postAuthorId)
        written.push(
          await notifier.notify(scope, {
            recipientId: d.parentAuthorId,
            type: 'comment',
            key: d.commentId,
            text: 'reply',
            params: { name: commenter, excerpt },
            data: { ...data, parentId: d.parentId },
          }),
        );
      return written;
    }),
    notifying('like-created', LikeCreated, async (scope, d) =>
      d.postAuthorId === d.userId
        ? []
        : [
            await notifier.notifyLike(scope, {
              recipientId: d.postAuthorId,
              postId: d.postId,
              likerId: d.userId,
              likerName: await name(d.userId),
            }),
          ],
    ),
    notifying('post-shared', PostShared, async (scope, d) =>
      d.sharedPostAuthorId === d.userId
        ? []
        : [
            await notifier.notify(scope, {
              recipientId: d.sharedPostAuthorId,
              type: 'post_interaction',
              key: `share:${d.postId}`,
              text: 'shared',
              params: { name: await name(d.userId) },
              data: { kind: 'share', postId: d.sharedPostId, sharePostId: d.postId, userId: d.userId },
            }),
          ],
    ),
    notifying('reminder-due', ReminderDue, (scope, d) =>
      notifier.fanOut(scope, {
        recipientIds: d.userIds,
        type: 'event_reminder',
        key: d.reminderId,
        text: 'reminder',
        params: { event: d.eventTitle, minutes: d.minutesBefore },
        data: { eventId: d.eventId, startsAt: d.startsAt, minutesBefore: d.minutesBefore },
      }),
    ),
    notifying('registration-promoted', RegistrationPromoted, async (scope, d) => [
      await notifier.notify(scope, {
        recipientId: d.userId,
        type: 'event_update',
        key: `promoted:${d.registrationId}:${d.status}`,
        text: d.status === 'pending_payment' ? 'promoted_payment' : 'promoted',
        params: { event: d.eventTitle },
        data: { kind: 'promoted', eventId: d.eventId, registrationId: d.registrationId, status: d.status },
      }),
    ]),
    notifying('registration-canceled', RegistrationCanceled, async (scope, d) =>
      d.reason !== 'event_canceled'
        ? []
        : [
            await notifier.notify(scope, {
              recipientId: d.userId,
              type: 'event_update',
              key: `canceled:${d.eventId}`,
              text: 'event_canceled',
              params: { event: d.eventTitle },
              data: { kind: 'canceled', eventId: d.eventId },
            }),
          ],
    ),
    notifying('message-created', MessageCreated, async (scope, d) => {
      const sender = await name(d.senderId);
      const title = d.conversationTitle ?? sender;
      const preview = d.conversationTitle ? `${sender}: ${d.preview}` : d.preview;
      const written: Written[] = [];
      for (const recipientId of d.offlineRecipientIds)
        written.push(
          await notifier.notify(scope, {
            recipientId,
            type: 'message',
            key: d.messageId,
            text: 'message',
            params: { name: title, preview },
            data: { conversationId: d.conversationId, messageId: d.messageId, senderId: d.senderId },
          }),
        );
      return written;
    }),
    notifying('invitation-created', EventInvitationCreated, async (scope, d) => {
      const organizer = await name(d.organizerId);
      const written: Written[] = [];
      for (const recipientId of d.userIds)
        written.push(
          await notifier.notify(scope, {
            recipientId,
            type: 'event_invitation',
            key: d.eventId,
            text: 'invitation',
            params: { name: organizer, event: d.eventTitle },
            data: { eventId: d.eventId, organizerId: d.organizerId, startsAt: d.startsAt },
          }),
        );
      return written;
    }),
    // A fan-out over many pages: each page commits on its own (its dedup keys make a redelivery harmless).
    consumer('event-published', EventPublished, async (data) => {
      await alerts.announce(data);
    }),
    notifying('user-registered', UserRegistered, async (scope, d) => {
      const contact = await contacts.get(d.userId).catch(() => null);
      await scope.members.upsert({
        userId: d.userId,
        joinedAt: new Date(d.registeredAt),
        timeZone: contact?.timeZone ?? 'UTC',
        languages: d.languages,
        country: d.residenceCountry,
        city: d.residenceCity,
      });
      return [];
    }),
    consumer('profile-updated', UserProfileUpdated, async (d) => {
      await contacts.forget(d.userId);
      // Only members seen registering: their join date is what anniversaries count from.
      if (!(await uow.read.members.find(d.userId))) return;
      const contact = await contacts.get(d.userId).catch(() => null);
      const arrivedAt = (d as { arrivedAt?: unknown }).arrivedAt;
      await uow.read.members.upsert({
        userId: d.userId,
        languages: d.languages,
        country: d.residenceCountry,
        city: d.residenceCity,
        ...(contact ? { timeZone: contact.timeZone } : {}),
        ...(typeof arrivedAt === 'string' ? { arrivedAt: arrivedAt.slice(0, 10) } : {}),
        ...(arrivedAt === null || (d.changed.includes('arrivedAt') && arrivedAt === undefined)
          ? { arrivedAt: null }
          : {}),
      });
    }),
  ];
}
