/** The notification types of API.md (the spec's seven, `message`, and the platform's own event alerts). */
export const NOTIFICATION_TYPES = [
  'event_invitation',
  'connection_request',
  'post_interaction',
  'comment',
  'event_reminder',
  'anniversary',
  'appointment',
  'message',
  'event_update',
  'new_event',
  'consul_quota',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const CHANNELS = ['push', 'email', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];
export type ChannelSwitches = Record<Channel, boolean>;

export const DIGESTS = ['off', 'hourly', 'daily'] as const;
export type Digest = (typeof DIGESTS)[number];

/** Types whose email may wait for the digest instead of going one by one. */
export const DIGESTIBLE: ReadonlySet<NotificationType> = new Set(['post_interaction', 'comment']);

const on = (push: boolean, email: boolean, inApp = true): ChannelSwitches => ({ push, email, in_app: inApp });

/** What a member gets before touching their preferences: in-app always, push and email where it matters. */
export const DEFAULT_CHANNELS: Record<NotificationType, ChannelSwitches> = {
  event_invitation: on(true, true),
  connection_request: on(true, false),
  post_interaction: on(false, false),
  comment: on(true, false),
  event_reminder: on(true, true),
  anniversary: on(true, false),
  appointment: on(true, true),
  message: on(true, false, false),
  event_update: on(true, true),
  new_event: on(false, false),
  consul_quota: on(false, true),
};

export interface QuietHours {
  /** HH:MM in the member's time zone; the window may wrap midnight (22:00–07:00). */
  start: string;
  end: string;
}

export interface Preferences {
  channels: Partial<Record<NotificationType, Partial<ChannelSwitches>>>;
  quietHours: QuietHours | null;
  digest: Digest;
}

export function channelsFor(preferences: Preferences | null, type: NotificationType): ChannelSwitches {
  return { ...DEFAULT_CHANNELS[type], ...preferences?.channels[type] };
}

export interface NotificationRecord {
  id: string;
  recipientId: string;
  type: NotificationType;
  title: string;
  body: string;
  data: Record<string, unknown>;
  inApp: boolean;
  readAt: Date | null;
  createdAt: Date;
}

export type DeliveryStatus = 'queued' | 'digest' | 'sent' | 'failed' | 'dead' | 'skipped';
export type DeliveryChannel = 'push' | 'email';

export interface DeliveryRecord {
  id: string;
  notificationId: string;
  recipientId: string;
  channel: DeliveryChannel;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  notBefore: Date;
  sentAt: Date | null;
}

export interface Device {
  token: string;
  userId: string;
  platform: 'android' | 'ios' | 'web';
  createdAt: Date;
}

/** What the user service tells about a recipient (never copied into this service's store). */
export interface Contact {
  userId: string;
  displayName: string;
  email: string;
  emailVerified: boolean;
  languages: string[];
  timeZone: string;
  active: boolean;
}
