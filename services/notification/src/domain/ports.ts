import type { Scope as KitScope, UnitOfWork as KitUnitOfWork } from '@diaspora/service-kit';
import type {
  Contact,
  DeliveryChannel,
  DeliveryRecord,
  Device,
  NotificationRecord,
  NotificationType,
  Preferences,
} from './types.js';

export interface NewNotification {
  id: string;
  recipientId: string;
  type: NotificationType;
  /** Type + target + recipient: a second notification with the same key is not written. */
  dedupKey: string;
  /** Batched notifications (likes of one post) share a group while unread. */
  groupKey?: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  inApp: boolean;
}

export interface NotificationStore {
  /** The notification, or null when its dedup key (or unread group) is already taken. */
  insert(notification: NewNotification): Promise<NotificationRecord | null>;
  /**
   * Set-based fan-out of one announcement: one row per recipient (same type, texts per language), skipping
   * recipients who already have `dedupKey`. Returns the rows written.
   */
  insertMany(rows: NewNotification[]): Promise<NotificationRecord[]>;
  /** The unread notification of a batch group, locked. */
  unreadGroup(recipientId: string, groupKey: string): Promise<NotificationRecord | null>;
  /** New texts and data for a batched notification, which moves back to the top of the inbox. */
  regroup(
    id: string,
    texts: { title: string; body: string; data: Record<string, unknown> },
  ): Promise<NotificationRecord>;
  /** In-app notifications, newest first; `after` is the last [createdAt, id] of the previous page. */
  list(
    recipientId: string,
    limit: number,
    after?: [string, string],
  ): Promise<{ items: NotificationRecord[]; hasMore: boolean }>;
  findById(id: string): Promise<NotificationRecord | null>;
  /** False when no in-app notification of this recipient has this id. */
  markRead(recipientId: string, id: string): Promise<boolean>;
  markAllRead(recipientId: string): Promise<number>;
  unreadCount(recipientId: string): Promise<number>;
  allFor(recipientId: string): Promise<NotificationRecord[]>;
  deleteFor(recipientId: string): Promise<void>;
}

export interface NewDelivery {
  id: string;
  notificationId: string;
  recipientId: string;
  channel: DeliveryChannel;
  status: 'queued' | 'digest';
}

export interface DeliveryStore {
  insertMany(deliveries: NewDelivery[]): Promise<void>;
  /** Locks a delivery for one attempt; null when another worker holds it or it is gone. */
  lock(id: string): Promise<(DeliveryRecord & { notification: NotificationRecord }) | null>;
  markSent(id: string, at: Date): Promise<void>;
  /** Records a failed try: `failed` (to be retried) or `dead` once out of tries. */
  markFailed(id: string, error: string, dead: boolean): Promise<void>;
  markSkipped(id: string, reason: string): Promise<void>;
  postpone(id: string, until: Date): Promise<void>;
  /** Members with email waiting for their digest. */
  digestRecipients(): Promise<string[]>;
  /** A member's waiting digest entries, locked, oldest first. */
  takeDigest(recipientId: string): Promise<(DeliveryRecord & { notification: NotificationRecord })[]>;
  markManySent(ids: string[], at: Date): Promise<void>;
  forNotifications(ids: string[]): Promise<DeliveryRecord[]>;
  allFor(recipientId: string): Promise<DeliveryRecord[]>;
}

export interface PreferenceStore {
  get(userId: string): Promise<Preferences | null>;
  getMany(userIds: string[]): Promise<Map<string, Preferences>>;
  save(userId: string, preferences: Preferences): Promise<void>;
  deleteFor(userId: string): Promise<void>;
}

export interface DeviceStore {
  /** True when the token was new to this member. */
  upsert(device: Omit<Device, 'createdAt'>): Promise<boolean>;
  remove(userId: string, token: string): Promise<boolean>;
  /** Drops a token FCM reports as no longer registered. */
  prune(token: string): Promise<void>;
  forUser(userId: string): Promise<Device[]>;
  /** Of these members, those with at least one device. */
  withDevices(userIds: string[]): Promise<Set<string>>;
  deleteFor(userId: string): Promise<void>;
}

/** What this service remembers of members (from users.* events) to time anniversaries and welcomes. */
export interface MemberRecord {
  userId: string;
  joinedAt: Date;
  arrivedAt: string | null;
  timeZone: string;
  languages: string[];
  country: string | null;
  city: string | null;
}

export interface MemberStore {
  upsert(member: Partial<MemberRecord> & { userId: string }): Promise<void>;
  /** Members whose local hour is `hour` at `now`, with their local date. */
  atLocalHour(now: Date, hour: number): Promise<(MemberRecord & { localDate: string })[]>;
  consulOf(country: string, city: string): Promise<string | null>;
  setConsul(userId: string, country: string, city: string | null): Promise<void>;
  /** Every current consul's id. */
  consuls(): Promise<string[]>;
  find(userId: string): Promise<MemberRecord | null>;
  /** Languages of these members (from users.* events), for fan-outs that cannot ask for each one. */
  languagesOf(userIds: string[]): Promise<Map<string, string[]>>;
  deleteFor(userId: string): Promise<void>;
}

/** The per-member daily cap of new-event alerts. */
export interface AlertQuota {
  /** Of these members, those who got fewer than `cap` new-event alerts on `day` (UTC). */
  take(userIds: string[], day: string, cap: number): Promise<string[]>;
}

/** Durable delivery jobs, planned in the transaction that writes the deliveries. */
export interface DeliveryPlanner {
  deliver(deliveryIds: string[], runAt?: Date): Promise<void>;
}

/** Consumed events (the kit's processed_events), checked in the transaction of the notifications they cause. */
export interface ProcessedEvents {
  /** False when this consumer already handled this event. */
  first(consumer: string, eventId: string): Promise<boolean>;
}

export interface Stores {
  processed: ProcessedEvents;
  notifications: NotificationStore;
  deliveries: DeliveryStore;
  preferences: PreferenceStore;
  devices: DeviceStore;
  members: MemberStore;
  alerts: AlertQuota;
  jobs: DeliveryPlanner;
}
export type Scope = KitScope<Stores>;
export type UnitOfWork = KitUnitOfWork<Stores>;

/** Contact details from the user service (cached briefly, never stored). */
export interface Contacts {
  get(userId: string): Promise<Contact | null>;
  displayName(userId: string): Promise<string>;
  /** Member ids of a community (residence country/city, domains), page by page. */
  members(filter: { country: string; city?: string; domains?: string[] }): AsyncIterable<string[]>;
  forget(userId: string): Promise<void>;
}

/** The live channel: a frame on each open chat socket of the member (messaging's PushNotification). */
export interface LiveChannel {
  push(notifications: NotificationRecord[]): Promise<void>;
}

export interface PushMessage {
  token: string;
  /** Whose device it is (for logs and the dev outbox; FCM only needs the token). */
  userId: string;
  title: string;
  body: string;
  data: Record<string, string>;
}

/** Thrown by a push adapter: `unregistered` tokens are pruned, others are retried. */
export class PushError extends Error {
  override name = 'PushError';
  constructor(
    message: string,
    readonly unregistered: boolean,
  ) {
    super(message);
  }
}

export interface PushSender {
  readonly kind: 'log' | 'fcm';
  send(message: PushMessage): Promise<void>;
}

export interface EventDirectory {
  scorecard(organizerId: string): Promise<{ held: number; scheduled: number; quota: number; behind: boolean } | null>;
  upcomingFor(userId: string): Promise<{ id: string; title: string }[]>;
}
