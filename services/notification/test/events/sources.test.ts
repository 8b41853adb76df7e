import {
  CommentCreated,
  ConnectionAccepted,
  ConnectionRequested,
  EventInvitationCreated,
  LikeCreated,
  MessageCreated,
  PostShared,
  RegistrationCanceled,
  RegistrationPromoted,
  ReminderDue,
  RoleAppointed,
} from '@diaspora/events';
import { newId } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, fakeUser, type Harness, inbox, now, processed, startNotificationService } from '../fixtures.js';

const amina = fakeUser({ displayName: 'Amina', languages: ['en'] });
const kofi = fakeUser({ displayName: 'Kofi', languages: ['fr-FR', 'en'] });
const ama = fakeUser({ displayName: 'Ama' });
const likers = Array.from({ length: 5 }, (_, i) => fakeUser({ displayName: `Liker ${i + 1}` }));

let h: Harness;
beforeAll(async () => {
  h = await startNotificationService({ users: [amina, kofi, ama, ...likers] });
});
afterAll(async () => h?.close());

const eventFields = (overrides: Record<string, unknown> = {}) => ({
  eventId: newId('evt'),
  eventTitle: 'Tech meetup',
  eventType: 'local' as const,
  domain: 'ict',
  startsAt: new Date(Date.now() + 86_400_000).toISOString(),
  timezone: 'Europe/Paris',
  organizerId: ama.id,
  country: 'FR',
  city: 'Paris',
  ...overrides,
});

describe('source events → notifications', () => {
  it('a connection request notifies once in English, its acceptance in French, with live frames', async () => {
    const requestId = newId('cnr');
    const request = { requestId, fromUserId: kofi.id, toUserId: amina.id, at: now() };
    const first = await deliver(h, ConnectionRequested, request);
    await deliver(h, ConnectionRequested, request, first.id); // redelivery: nothing more
    await deliver(h, ConnectionRequested, request); // the same request in another envelope: same dedup key
    await processed(h, first.id);
    await until(async () => (await inbox(h, amina.id)).items.length === 1);
    const [item] = (await inbox(h, amina.id)).items;
    expect(item).toMatchObject({
      type: 'connection_request',
      title: 'New connection request',
      body: 'Kofi wants to connect with you.',
      data: { kind: 'requested', requestId, userId: kofi.id },
    });
    expect(item!.id).toMatch(/^ntf_/);
    const frame = await until(() => h.messaging.frames.find((f) => f.notification.id === item!.id));
    expect(frame.userId).toBe(amina.id);
    expect(JSON.parse(frame.notification.dataJson)).toMatchObject({ requestId });

    const accepted = await deliver(h, ConnectionAccepted, { ...request, at: now() });
    await processed(h, accepted.id);
    const [kofiItem] = (await inbox(h, kofi.id)).items;
    expect(kofiItem).toMatchObject({
      title: 'Connexion acceptée',
      body: 'Amina a accepté votre demande de connexion.',
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await inbox(h, amina.id)).items).toHaveLength(1);
  });

  it('comments notify the post author, replies the parent author; own comments notify nobody', async () => {
    const postId = newId('pst');
    const commentId = newId('cmt');
    const envelope = await deliver(h, CommentCreated, {
      commentId,
      postId,
      postAuthorId: ama.id,
      authorId: kofi.id,
      parentId: newId('cmt'),
      parentAuthorId: amina.id,
      text: 'Great idea!',
      language: 'en',
      mentions: [],
      at: now(),
    });
    await processed(h, envelope.id);
    const amaItems = (await inbox(h, ama.id)).items.filter((n) => n.type === 'comment');
    expect(amaItems).toHaveLength(1);
    expect(amaItems[0]).toMatchObject({ title: 'Kofi commented on your post', body: 'Great idea!' });
    const aminaItems = (await inbox(h, amina.id)).items.filter((n) => n.type === 'comment');
    expect(aminaItems[0]).toMatchObject({ title: 'Kofi replied to your comment', data: { postId, commentId } });
    const own = await deliver(h, CommentCreated, {
      commentId: newId('cmt'),
      postId,
      postAuthorId: kofi.id,
      authorId: kofi.id,
      text: 'me',
      language: 'en',
      mentions: [],
      at: now(),
    });
    await processed(h, own.id);
    expect((await inbox(h, kofi.id)).items.filter((n) => n.type === 'comment')).toHaveLength(0);
  });

  it('likes batch into one unread notification: "Liker 5 and 4 others liked your post"', async () => {
    const postId = newId('pst');
    for (const liker of likers) {
      const envelope = await deliver(h, LikeCreated, { postId, postAuthorId: ama.id, userId: liker.id, at: now() });
      await processed(h, envelope.id);
    }
    // The same liker again (unlike, like): still five.
    const again = await deliver(h, LikeCreated, { postId, postAuthorId: ama.id, userId: likers[0]!.id, at: now() });
    await processed(h, again.id);
    const batched = (await inbox(h, ama.id)).items.filter((n) => n.data.postId === postId);
    expect(batched).toHaveLength(1);
    expect(batched[0]).toMatchObject({ body: 'Liker 5 and 4 others liked your post.', data: { likeCount: 5 } });
    // Once read, the next like starts a new batch.
    await h.app.inject({
      method: 'POST',
      url: `/api/v1/notifications/${batched[0]!.id}/read`,
      headers: (await import('../fixtures.js')).headersOf(ama.id),
    });
    const next = await deliver(h, LikeCreated, { postId, postAuthorId: ama.id, userId: kofi.id, at: now() });
    await processed(h, next.id);
    const after = (await inbox(h, ama.id)).items.filter((n) => n.data.postId === postId);
    expect(after.map((n) => n.body)).toEqual(['Kofi liked your post.', 'Liker 5 and 4 others liked your post.']);
  });

  it('shares, appointments, reminders, promotions, cancellations and offline messages', async () => {
    const shared = await deliver(h, PostShared, {
      postId: newId('pst'),
      sharedPostId: newId('pst'),
      sharedPostAuthorId: kofi.id,
      userId: amina.id,
      quote: false,
      at: now(),
    });
    const appointed = await deliver(h, RoleAppointed, {
      userId: kofi.id,
      role: 'consul',
      country: 'FR',
      city: 'Lyon',
      byUserId: ama.id,
      at: now(),
    });
    const reminder = await deliver(h, ReminderDue, {
      reminderId: newId('rem'),
      part: 1,
      minutesBefore: 60,
      userIds: [kofi.id, amina.id],
      endsAt: new Date(Date.now() + 90_000_000).toISOString(),
      online: false,
      ...eventFields(),
    });
    const promoted = await deliver(h, RegistrationPromoted, {
      registrationId: newId('reg'),
      userId: kofi.id,
      status: 'confirmed',
      previousStatus: 'waitlisted',
      reason: 'seat_freed',
      ...eventFields(),
      at: now(),
    });
    const canceled = await deliver(h, RegistrationCanceled, {
      registrationId: newId('reg'),
      userId: kofi.id,
      previousStatus: 'confirmed',
      reason: 'event_canceled',
      ...eventFields({ eventTitle: 'Gala' }),
      at: now(),
    });
    const message = await deliver(h, MessageCreated, {
      messageId: newId('msg'),
      conversationId: newId('cnv'),
      conversationType: 'direct',
      senderId: amina.id,
      offlineRecipientIds: [kofi.id],
      type: 'text',
      preview: 'Salut !',
      createdAt: now(),
    });
    for (const e of [shared, appointed, reminder, promoted, canceled, message]) await processed(h, e.id);
    const items = (await inbox(h, kofi.id)).items;
    const byType = (type: string) => items.filter((n) => n.type === type).map((n) => n.body);
    expect(byType('post_interaction')).toContain('Amina a partagé votre publication.');
    expect(byType('appointment')).toEqual(['Vous êtes désormais consul de Lyon.']);
    expect(byType('event_reminder')).toEqual(['Commence dans 1 heure.']);
    // Consumers of different subjects run concurrently: compare as sets.
    expect(byType('event_update').sort()).toEqual(
      [
        '« Gala » a été annulé par son organisateur.',
        'Une place s’est libérée pour « Tech meetup » : vous y êtes.',
      ].sort(),
    );
    // Messages go to push only by default: nothing in the inbox, a delivery row when a device exists.
    expect(byType('message')).toEqual([]);
    const aminaReminder = (await inbox(h, amina.id)).items.find((n) => n.type === 'event_reminder');
    expect(aminaReminder?.title).toBe('Reminder: Tech meetup');
  });

  it('event invitations notify each invitee once (a second batch for the same event adds nothing)', async () => {
    const context = eventFields({ eventTitle: 'Gala' });
    const batch = { invitationBatchId: newId('inv'), userIds: [amina.id, kofi.id], ...context, at: now() };
    const first = await deliver(h, EventInvitationCreated, batch);
    const again = await deliver(h, EventInvitationCreated, { ...batch, invitationBatchId: newId('inv') });
    await processed(h, first.id);
    await processed(h, again.id);
    const aminaInvites = (await inbox(h, amina.id)).items.filter((n) => n.type === 'event_invitation');
    expect(aminaInvites).toHaveLength(1);
    expect(aminaInvites[0]).toMatchObject({ body: 'Ama invites you to “Gala”.', data: { eventId: context.eventId } });
    const kofiInvites = (await inbox(h, kofi.id)).items.filter((n) => n.type === 'event_invitation');
    expect(kofiInvites[0]?.body).toBe('Ama vous invite à « Gala ».');
  });
});
