import type { Scope as KitScope, UnitOfWork as KitUnitOfWork } from '@diaspora/service-kit';
import type {
  CalendarConnection,
  CalendarEntry,
  CalendarItem,
  CalendarProvider,
  Delivery,
  DeliveryAttempt,
  SealedSecret,
  WebhookSubscription,
} from './model.js';

/**
 * What the domain needs from the outside, named here so that domain/ never imports store/ or http/.
 * The integration data lives behind `IntegrationStore` (PostgreSQL or MongoDB); the PostgreSQL unit of work only
 * carries the outbox (`publish`) and the kit's GDPR/idempotency plumbing.
 */
export type Stores = Record<never, never>;
export type Scope = KitScope<Stores>;
export type UnitOfWork = KitUnitOfWork<Stores>;

export interface Page<T> {
  items: T[];
  /** Opaque position of the last item, when there may be more. */
  next?: { at: Date; id: string };
}

export interface WebhookStore {
  create(subscription: WebhookSubscription): Promise<void>;
  get(id: string): Promise<WebhookSubscription | undefined>;
  list(): Promise<WebhookSubscription[]>;
  /** Removes the subscription and its delivery log; false when there was none. */
  delete(id: string): Promise<boolean>;
  active(): Promise<WebhookSubscription[]>;
  /** A success resets the failure count; a failure increments it. Returns the updated subscription. */
  recordOutcome(id: string, success: boolean, at: Date): Promise<WebhookSubscription | undefined>;
  setStatus(id: string, status: 'active' | 'disabled', at: Date): Promise<void>;
}

export interface DeliveryStore {
  /** Inserts unless a delivery of this event to this subscription exists; returns the stored one either way. */
  createOnce(delivery: Delivery): Promise<{ delivery: Delivery; created: boolean }>;
  get(id: string): Promise<Delivery | undefined>;
  /** Newest first. */
  list(subscriptionId: string, limit: number, after?: { at: Date; id: string }): Promise<Page<Delivery>>;
  /** Appends an attempt and sets the delivery's new state. */
  recordAttempt(
    id: string,
    attempt: DeliveryAttempt,
    state: { status: Delivery['status']; runAttempts: number; nextAttemptAt?: Date },
  ): Promise<void>;
  /** Starts a new run (manual replay): pending, runAttempts 0. */
  restart(id: string, at: Date): Promise<void>;
}

export interface CalendarStore {
  connection(userId: string, provider: CalendarProvider): Promise<CalendarConnection | undefined>;
  connections(userId: string): Promise<CalendarConnection[]>;
  saveConnection(connection: CalendarConnection): Promise<void>;
  deleteConnection(userId: string, provider: CalendarProvider): Promise<void>;
  /** Active Google connections (two-way pull). */
  activeConnections(provider: CalendarProvider): Promise<CalendarConnection[]>;
  item(userId: string, provider: CalendarProvider, eventId: string): Promise<CalendarItem | undefined>;
  itemByRemote(userId: string, provider: CalendarProvider, remoteRef: string): Promise<CalendarItem | undefined>;
  saveItem(item: CalendarItem): Promise<void>;
  deleteItem(userId: string, provider: CalendarProvider, eventId: string): Promise<void>;
  /** Members who have this event in a calendar (to update or cancel it everywhere). */
  itemsForEvent(eventId: string): Promise<CalendarItem[]>;
  items(userId: string): Promise<CalendarItem[]>;
}

/** The integration data: one contract, a PostgreSQL and a MongoDB adapter. */
export interface IntegrationStore {
  webhooks: WebhookStore;
  deliveries: DeliveryStore;
  calendars: CalendarStore;
  /** Everything about one member, for the GDPR archive. */
  exportUser(userId: string): Promise<object>;
  eraseUser(userId: string): Promise<void>;
  /** The delivery log's retention: finished deliveries created before `cutoff` go. */
  purgeDeliveriesBefore(cutoff: Date): Promise<void>;
  init(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Envelope encryption of secrets at rest. */
export interface Vault {
  seal(plaintext: string): SealedSecret;
  open(sealed: SealedSecret): string;
}

export type Clock = () => Date;

/** Durable jobs (pg-boss): a key names the job, so planning it twice keeps one. */
export interface JobPlanner {
  schedule(queue: string, data: object, options: { key: string; runAt: Date }): Promise<void>;
}

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface WebhookResponse {
  outcome: string;
  statusCode?: number;
  detail?: string;
  durationMs: number;
}

/** Sends one signed request under the SSRF rules; never throws for the target's faults. */
export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookResponse>;
}

/** Checks a target URL under the SSRF rules at subscription time; throws a 400 Problem when refused. */
export interface TargetPolicy {
  assertAllowed(url: string): Promise<void>;
}

export interface ContactMatch {
  userId: string;
  displayName: string;
  avatarUrl?: string;
}

export interface ContactMatcher {
  match(viewerId: string, emailHashes: string[], phoneHashes: string[]): Promise<ContactMatch[]>;
}

/** A calendar account where the platform writes a member's events. */
export interface CalendarAccount {
  /** Creates or replaces the entry; returns its reference and version. */
  upsert(entry: CalendarEntry, existing?: CalendarItem): Promise<{ remoteRef: string; etag?: string }>;
  remove(item: CalendarItem): Promise<void>;
}

/** Raised by calendar adapters when the provider refused the credentials for good (revoked grant, bad password). */
export class CalendarAuthError extends Error {
  override name = 'CalendarAuthError';
}

/** Event details for calendar entries, from the event service. */
export interface EventDirectory {
  get(eventId: string): Promise<CalendarEntry | undefined>;
  upcomingFor(userId: string): Promise<CalendarEntry[]>;
}

/** Opens a member's calendar account of one provider from its stored connection and opened credentials. */
export interface CalendarProviderPort {
  open(connection: CalendarConnection, credentials: string): Promise<CalendarAccount>;
}

/** Apple Calendar (CalDAV): checks an app-specific password and finds or makes the Diaspora calendar. */
export interface AppleConnector extends CalendarProviderPort {
  connect(credentials: { serverUrl: string; username: string; password: string }): Promise<{ calendarRef: string }>;
}

/** One event as changed in the member's Google calendar since the last pull. */
export interface RemoteChange {
  remoteRef: string;
  /** extendedProperties.private.diasporaEventId, when Google kept it. */
  eventId?: string;
  canceled: boolean;
  title?: string;
  startsAt?: Date;
  endsAt?: Date;
  /** Google's `updated`: the last-writer rule compares it with the platform's last change. */
  updated: Date;
}

/** Google Calendar: OAuth (offline access, PKCE, state) and the Diaspora calendar of the member's account. */
export interface GoogleConnector extends CalendarProviderPort {
  /**
   * Changes since `syncToken` (everything without one, or when Google expired it: 410), and the next token.
   * Throws CalendarAuthError for a revoked grant.
   */
  changes(
    connection: CalendarConnection,
    credentials: string,
    syncToken: string | undefined,
  ): Promise<{ changes: RemoteChange[]; nextSyncToken?: string }>;
  authorizeUrl(input: { state: string; codeChallenge: string }): string;
  /** Trades the code (with the PKCE verifier) for tokens; finds or makes the Diaspora calendar. */
  exchange(code: string, codeVerifier: string): Promise<{ credentials: string; account: string; calendarRef: string }>;
  /** Revokes the grant at the provider (best effort: an already revoked grant is fine). */
  revoke(credentials: string): Promise<void>;
}

/** A member as a CRM contact. */
export interface CrmContact {
  userId: string;
  email: string;
  displayName: string;
  /** The upcoming events they hold a seat at. */
  registrations: { eventId: string; title: string; startsAt: Date }[];
}

/** The connector port: one CRM (HubSpot) or a local log, chosen by config. */
export interface CrmConnector {
  readonly name: string;
  upsertContact(contact: CrmContact): Promise<void>;
}

/** A member's verified contact details, from the user service. */
export interface MemberContacts {
  get(userId: string): Promise<{ email: string; emailVerified: boolean; displayName: string } | undefined>;
}
