import { newId } from '@diaspora/service-kit';
import type { Contacts, LiveChannel, NewDelivery, NewNotification, Scope } from './ports.js';
import { pickLanguage, render, type TextKey } from './texts.js';
import { channelsFor, DIGESTIBLE, type NotificationRecord, type NotificationType, type Preferences } from './types.js';

const ASK_FOR_LANGUAGES_UP_TO = 500;

export interface Announcement {
  recipientId: string;
  type: NotificationType;
  /** Names the target (with the type): the same key for the same recipient notifies once. */
  key: string;
  text: TextKey;
  params: Record<string, string | number | undefined>;
  data: Record<string, unknown>;
}

export interface FanOut {
  recipientIds: string[];
  type: NotificationType;
  key: string;
  text: TextKey;
  params: Record<string, string | number | undefined>;
  data: Record<string, unknown>;
}

/**
 * Turns announcements into notifications: the inbox row (texts in the recipient's language), and the push and
 * email deliveries their preferences ask for, planned as durable jobs in the same transaction. The live frame
 * goes after commit (`live`), so a rolled-back notification is never shown.
 */
export class Notifier {
  constructor(
    private readonly contacts: Contacts,
    private readonly liveChannel: LiveChannel,
  ) {}

  async notify(scope: Scope, a: Announcement): Promise<NotificationRecord | null> {
    const preferences = await scope.preferences.get(a.recipientId);
    const channels = channelsFor(preferences, a.type);
    if (!channels.in_app && !channels.push && !channels.email) return null;
    const contact = await this.contacts.get(a.recipientId);
    if (!contact?.active) return null;
    const texts = render(a.text, a.params, pickLanguage(contact.languages));
    const written = await scope.notifications.insert({
      id: newId('ntf'),
      recipientId: a.recipientId,
      type: a.type,
      dedupKey: `${a.type}:${a.key}`,
      ...texts,
      data: a.data,
      inApp: channels.in_app,
    });
    if (written) await this.plan(scope, [written], new Map([[a.recipientId, preferences]]));
    return written;
  }

  /** Likes of one post batch into one unread notification: "Amina and 4 others liked your post". */
  async notifyLike(
    scope: Scope,
    like: { recipientId: string; postId: string; likerId: string; likerName: string },
  ): Promise<NotificationRecord | null> {
    const groupKey = `likes:${like.postId}`;
    const current = await scope.notifications.unreadGroup(like.recipientId, groupKey);
    if (!current) {
      const preferences = await scope.preferences.get(like.recipientId);
      const channels = channelsFor(preferences, 'post_interaction');
      if (!channels.in_app && !channels.push && !channels.email) return null;
      const contact = await this.contacts.get(like.recipientId);
      if (!contact?.active) return null;
      const texts = render('likes', { name: like.likerName, others: 0 }, pickLanguage(contact.languages));
      const written = await scope.notifications.insert({
        id: newId('ntf'),
        recipientId: like.recipientId,
        type: 'post_interaction',
        dedupKey: `post_interaction:like:${like.postId}:${newId('key')}`,
        groupKey,
        ...texts,
        data: { kind: 'like', postId: like.postId, likers: [{ id: like.likerId, name: like.likerName }], likeCount: 1 },
        inApp: channels.in_app,
      });
      if (written) await this.plan(scope, [written], new Map([[like.recipientId, preferences]]));
      return written;
    }
    const likers = (current.data.likers as { id: string; name: string }[] | undefined) ?? [];
    if (likers.some((liker) => liker.id === like.likerId)) return null;
    const count = Number(current.data.likeCount ?? likers.length) + 1;
    // The newest liker leads the sentence; a few names are kept for clients, the count for the rest.
    const kept = [{ id: like.likerId, name: like.likerName }, ...likers].slice(0, 5);
    const contact = await this.contacts.get(like.recipientId);
    const params = { name: like.likerName, others: count - 1, second: kept[1]?.name };
    const texts = render('likes', params, pickLanguage(contact?.languages ?? []));
    return scope.notifications.regroup(current.id, {
      ...texts,
      data: { ...current.data, likers: kept, likeCount: count },
    });
  }

  /**
   * One announcement to many members (new events): set-based writes, languages from this service's member
   * records rather than one user-service call each.
   */
  async fanOut(scope: Scope, f: FanOut): Promise<NotificationRecord[]> {
    if (f.recipientIds.length === 0) return [];
    const preferences = await scope.preferences.getMany(f.recipientIds);
    const languages = await scope.members.languagesOf(f.recipientIds);
    // Members this service has not seen register yet: ask the user service when the batch is small enough.
    const unknown = f.recipientIds.filter((id) => !languages.get(id)?.length);
    if (unknown.length <= ASK_FOR_LANGUAGES_UP_TO)
      for (const id of unknown) languages.set(id, (await this.contacts.get(id))?.languages ?? []);
    const rows: NewNotification[] = [];
    const cache = new Map<string, { title: string; body: string }>();
    for (const recipientId of f.recipientIds) {
      const channels = channelsFor(preferences.get(recipientId) ?? null, f.type);
      if (!channels.in_app && !channels.push && !channels.email) continue;
      const lang = pickLanguage(languages.get(recipientId) ?? []);
      const texts = cache.get(lang) ?? render(f.text, f.params, lang);
      cache.set(lang, texts);
      rows.push({
        id: newId('ntf'),
        recipientId,
        type: f.type,
        dedupKey: `${f.type}:${f.key}`,
        ...texts,
        data: f.data,
        inApp: channels.in_app,
      });
    }
    const written = await scope.notifications.insertMany(rows);
    await this.plan(scope, written, preferences);
    return written;
  }

  /** Live frames for what was written (call after commit); members without an open socket simply miss them. */
  async live(notifications: (NotificationRecord | null)[]): Promise<void> {
    const shown = notifications.filter((n): n is NotificationRecord => n?.inApp === true);
    if (shown.length > 0) await this.liveChannel.push(shown);
  }

  private async plan(
    scope: Scope,
    written: NotificationRecord[],
    preferences: Map<string, Preferences | null>,
  ): Promise<void> {
    const wantPush = written.filter((n) => channelsFor(preferences.get(n.recipientId) ?? null, n.type).push);
    const withDevices =
      wantPush.length > 0
        ? await scope.devices.withDevices([...new Set(wantPush.map((n) => n.recipientId))])
        : new Set();
    const deliveries: NewDelivery[] = [];
    for (const n of written) {
      const prefs = preferences.get(n.recipientId) ?? null;
      const channels = channelsFor(prefs, n.type);
      if (channels.push && withDevices.has(n.recipientId))
        deliveries.push({
          id: newId('dlv'),
          notificationId: n.id,
          recipientId: n.recipientId,
          channel: 'push',
          status: 'queued',
        });
      if (channels.email) {
        const digest = DIGESTIBLE.has(n.type) && prefs !== null && prefs.digest !== 'off';
        deliveries.push({
          id: newId('dlv'),
          notificationId: n.id,
          recipientId: n.recipientId,
          channel: 'email',
          status: digest ? 'digest' : 'queued',
        });
      }
    }
    if (deliveries.length === 0) return;
    await scope.deliveries.insertMany(deliveries);
    const now = deliveries.filter((d) => d.status === 'queued').map((d) => d.id);
    if (now.length > 0) await scope.jobs.deliver(now);
  }
}
