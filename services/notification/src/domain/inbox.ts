import { type CursorCodec, cursorBinding, positions, problems } from '@diaspora/service-kit';
import type { UnitOfWork } from './ports.js';
import {
  CHANNELS,
  type Channel,
  DEFAULT_CHANNELS,
  DIGESTS,
  type Digest,
  NOTIFICATION_TYPES,
  type NotificationRecord,
  type NotificationType,
  type Preferences,
  type QuietHours,
} from './types.js';

/** The member's inbox and settings: only ever their own rows (someone else's id is simply not found). */
export class Inbox {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly cursors: CursorCodec,
  ) {}

  async list(userId: string, limit: number, cursor?: string) {
    const binding = cursorBinding('inbox', userId);
    const after = this.cursors.decodeOptional(cursor, binding, positions.dateAndId);
    const page = await this.uow.read.notifications.list(userId, limit, after);
    const last = page.items.at(-1);
    return {
      items: page.items,
      nextCursor: page.hasMore && last ? this.cursors.encode(binding, [last.createdAt.toISOString(), last.id]) : null,
    };
  }

  async read(userId: string, id: string): Promise<void> {
    if (!(await this.uow.read.notifications.markRead(userId, id))) throw problems.notFound('notification');
  }

  async readAll(userId: string): Promise<void> {
    await this.uow.read.notifications.markAllRead(userId);
  }

  unreadCount(userId: string): Promise<number> {
    return this.uow.read.notifications.unreadCount(userId);
  }

  async preferences(userId: string): Promise<PreferencesView> {
    return view(await this.uow.read.preferences.get(userId));
  }

  /** Partial update: only the switches given change. Unknown types or channels are refused whole (400). */
  async updatePreferences(userId: string, changes: Record<string, unknown>): Promise<PreferencesView> {
    const errors: { field: string; message: string }[] = [];
    const update: Preferences['channels'] = {};
    let quietHours: QuietHours | null | undefined;
    let digest: Digest | undefined;
    for (const [key, value] of Object.entries(changes)) {
      if (key === 'quietHours') {
        if (value === null) quietHours = null;
        else if (isQuietHours(value)) quietHours = { start: value.start, end: value.end };
        else errors.push({ field: 'quietHours', message: 'must be {start, end} as HH:MM, or null' });
      } else if (key === 'digest') {
        if ((DIGESTS as readonly unknown[]).includes(value)) digest = value as Digest;
        else errors.push({ field: 'digest', message: `must be one of ${DIGESTS.join(', ')}` });
      } else if ((NOTIFICATION_TYPES as readonly string[]).includes(key)) {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          errors.push({ field: key, message: 'must be an object of channel switches' });
          continue;
        }
        for (const [channel, on] of Object.entries(value)) {
          if (!(CHANNELS as readonly string[]).includes(channel))
            errors.push({ field: `${key}.${channel}`, message: `unknown channel (one of ${CHANNELS.join(', ')})` });
          else if (typeof on !== 'boolean') errors.push({ field: `${key}.${channel}`, message: 'must be a boolean' });
          else {
            const switches = update[key as NotificationType] ?? {};
            switches[channel as Channel] = on;
            update[key as NotificationType] = switches;
          }
        }
      } else errors.push({ field: key, message: 'unknown notification type' });
    }
    if (errors.length > 0) throw problems.validation(errors, 'The preferences are not valid.');
    return this.uow.run(async (scope) => {
      const current = (await scope.preferences.get(userId)) ?? { channels: {}, quietHours: null, digest: 'off' };
      const channels = { ...current.channels };
      for (const [type, switches] of Object.entries(update))
        channels[type as NotificationType] = { ...channels[type as NotificationType], ...switches };
      const next: Preferences = {
        channels,
        quietHours: quietHours === undefined ? current.quietHours : quietHours,
        digest: digest ?? current.digest,
      };
      await scope.preferences.save(userId, next);
      return view(next);
    });
  }

  /** The one-click unsubscribe of an email link: that type's email switch goes off. */
  async unsubscribe(userId: string, type: NotificationType): Promise<void> {
    await this.updatePreferences(userId, { [type]: { email: false } });
  }
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
function isQuietHours(value: unknown): value is QuietHours {
  const v = value as Partial<QuietHours> | null;
  return typeof v === 'object' && v !== null && HHMM.test(String(v.start)) && HHMM.test(String(v.end));
}

export type PreferencesView = Record<string, unknown>;

/** Every type with its effective switches (defaults filled in), then quiet hours and digest. */
function view(preferences: Preferences | null): PreferencesView {
  const out: PreferencesView = {};
  for (const type of NOTIFICATION_TYPES) out[type] = { ...DEFAULT_CHANNELS[type], ...preferences?.channels[type] };
  if (preferences?.quietHours) out.quietHours = preferences.quietHours;
  out.digest = preferences?.digest ?? 'off';
  return out;
}

export function notificationView(n: NotificationRecord) {
  return {
    id: n.id,
    type: n.type,
    title: n.title,
    body: n.body,
    data: n.data,
    ...(n.readAt ? { readAt: n.readAt.toISOString() } : {}),
    createdAt: n.createdAt.toISOString(),
  };
}
