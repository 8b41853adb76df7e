/** An outbound webhook subscription (super users manage them for CRM/ERP and external databases). */
export interface WebhookSubscription {
  id: string;
  url: string;
  /** Subject patterns (`users.user.registered`, `events.registration.*`, `events.>`). */
  events: string[];
  /** The `whsec_…` signing secret, envelope-encrypted. */
  secret: SealedSecret;
  status: 'active' | 'disabled';
  createdBy: string;
  createdAt: Date;
  /** Failed attempts since the last success; reset by any success. */
  consecutiveFailures: number;
  lastSuccessAt?: Date;
  disabledAt?: Date;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'canceled';

export interface DeliveryAttempt {
  at: Date;
  /** `ok`, or why it failed: `http-<status>`, `timeout`, `refused-address`, `redirect`, `network`. */
  outcome: string;
  statusCode?: number;
  durationMs: number;
  /** The first bytes of the receiver's answer or the error, for the operator. */
  detail?: string;
}

/** One event to one subscription: the delivery log, with every attempt. */
export interface Delivery {
  id: string;
  subscriptionId: string;
  eventId: string;
  subject: string;
  /** The exact JSON body sent (the event envelope), so retries and replays sign the same bytes. */
  payload: string;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  /** Counts attempts of the current run (a replay starts a new run at 0). */
  runAttempts: number;
  nextAttemptAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** A data key per record, encrypted with the service's key `keyId` (AES-256-GCM both ways). */
export interface SealedSecret {
  keyId: string;
  /** base64: iv | tag | encrypted data key. */
  wrappedKey: string;
  /** base64: iv | tag | ciphertext. */
  ciphertext: string;
}

export type CalendarProvider = 'google' | 'apple';

export interface CalendarConnection {
  userId: string;
  provider: CalendarProvider;
  status: 'active' | 'broken';
  /** Provider credentials (app password, OAuth tokens), sealed. */
  credentials: SealedSecret;
  /** Where events go: the CalDAV calendar URL, or the Google calendar id. */
  calendarRef: string;
  /** Display only: the account the member connected (CalDAV username, Google email). */
  account: string;
  /** Google two-way: the incremental sync token of the Diaspora calendar. */
  syncToken?: string;
  brokenReason?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** An event of the platform as pushed to one member's calendar. */
export interface CalendarItem {
  userId: string;
  provider: CalendarProvider;
  eventId: string;
  /** The object's URL (CalDAV) or the event id (Google). */
  remoteRef: string;
  etag?: string;
  /** The platform's `updated` of what was last pushed or pulled (conflict rule: last writer wins). */
  syncedAt: Date;
}

/** What a calendar shows of an event. */
export interface CalendarEntry {
  eventId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  location?: string;
  url?: string;
  canceled: boolean;
  /** For two-way sync: the member organizes this event. */
  organizer?: boolean;
}
