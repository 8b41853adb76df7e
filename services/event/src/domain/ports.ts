import type { AccessClaims, Scope as KitScope, UnitOfWork as KitUnitOfWork } from '@diaspora/service-kit';
import type { EventFields, EventRecord, EventStatus, EventType } from './event.js';
import type { Scores } from './rules.js';

export type RegistrationStatus = 'confirmed' | 'pending_payment' | 'waitlisted' | 'canceled';
export type CancelReason = 'member' | 'event_canceled' | 'payment_expired' | 'account_deleted';

export interface RegistrationRecord {
  id: string;
  eventId: string;
  userId: string;
  status: RegistrationStatus;
  waitlistSeq: number | null;
  holdExpiresAt: Date | null;
  paymentId: string | null;
  checkInCode: string | null;
  checkedInAt: Date | null;
  checkedInBy: string | null;
  cancelReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What a store answers for a page: the rows, and whether more follow (the domain turns that into a cursor). */
export interface Slice<T> {
  items: T[];
  hasMore: boolean;
}

/** Keyset position of the date-ordered listings: after this start and id. */
export interface DatePosition {
  startsAt: Date;
  id: string;
}

export interface ListFilters {
  country?: string;
  city?: string;
  domain?: string;
  type?: EventType;
  from?: Date;
  to?: Date;
  language?: string;
  near?: { lat: number; lon: number; radiusKm: number };
  organizerId?: string;
}

export interface Audience {
  residenceCountry?: string;
  residenceCity?: string;
  originCountry?: string;
}

export interface NewEvent extends EventFields {
  id: string;
  organizerId: string;
  status: EventStatus;
  seriesId: string | null;
  occurrenceIndex: number | null;
}

export interface EventStore {
  insertSeries(series: { id: string; organizerId: string; rrule: string }): Promise<void>;
  insert(event: NewEvent): Promise<EventRecord>;
  findById(id: string, options?: { forUpdate?: boolean }): Promise<EventRecord | null>;
  findManyByIds(ids: string[]): Promise<EventRecord[]>;
  update(
    id: string,
    changes: Partial<EventFields> & { status?: EventStatus; cancelReason?: string | null },
  ): Promise<EventRecord>;
  /** Occurrences of a series starting at or after `from`, locked, soonest first. */
  seriesFrom(seriesId: string, from: Date): Promise<EventRecord[]>;
  adjustCounts(id: string, seats: number, waitlist: number): Promise<EventRecord>;
  list(
    filters: ListFilters,
    limit: number,
    after?: DatePosition,
  ): Promise<Slice<EventRecord & { distanceKm?: number }>>;
  upcomingFor(audience: Audience, limit: number, after?: DatePosition): Promise<Slice<EventRecord>>;
  /** Most registered first; counts move between pages, so the position is an offset rather than a key. */
  popular(filters: { country?: string; city?: string }, limit: number, offset: number): Promise<Slice<EventRecord>>;
  subEvents(parentId: string): Promise<EventRecord[]>;
  /** Future events of an organizer (for erasure). */
  futureByOrganizer(organizerId: string): Promise<EventRecord[]>;
  anonymizeOrganizer(organizerId: string, replacement: string): Promise<number>;
  /** Local events of an organizer in [from, to): held (ended by `now`) and still scheduled. */
  countLocal(organizerId: string, from: Date, to: Date, now: Date): Promise<{ held: number; scheduled: number }>;
  /** The country and city where the organizer held most local events (scope when no role is known). */
  usualPlace(organizerId: string): Promise<{ country: string; city: string } | null>;
}

export interface OrganizerRole {
  userId: string;
  role: 'ambassador' | 'consul';
  country: string;
  city: string | null;
}

/** Read model of users.role.appointed|revoked. */
export interface RoleStore {
  upsert(role: OrganizerRole & { at: Date }): Promise<void>;
  remove(userId: string, role: 'ambassador' | 'consul'): Promise<void>;
  find(userId: string, role: 'ambassador' | 'consul'): Promise<OrganizerRole | null>;
  consulsIn(country: string): Promise<OrganizerRole[]>;
  removeUser(userId: string): Promise<void>;
}

export interface RegistrationStore {
  insert(registration: {
    id: string;
    eventId: string;
    userId: string;
    status: Exclude<RegistrationStatus, 'canceled'>;
    holdExpiresAt: Date | null;
    paymentId: string | null;
    checkInCode: string | null;
  }): Promise<RegistrationRecord>;
  findById(id: string): Promise<RegistrationRecord | null>;
  findActive(eventId: string, userId: string, options?: { forUpdate?: boolean }): Promise<RegistrationRecord | null>;
  findByCode(code: string): Promise<RegistrationRecord | null>;
  /** 1-based position in the waitlist. */
  waitlistPosition(registration: RegistrationRecord): Promise<number>;
  /** The first `count` waitlisted registrations, FIFO, locked. */
  headOfWaitlist(eventId: string, count: number): Promise<RegistrationRecord[]>;
  setStatus(
    id: string,
    status: RegistrationStatus,
    fields?: {
      holdExpiresAt?: Date | null;
      checkInCode?: string | null;
      cancelReason?: CancelReason;
      paymentId?: string;
    },
  ): Promise<RegistrationRecord>;
  markCheckedIn(id: string, by: string, at: Date): Promise<RegistrationRecord | null>;
  expiredHolds(eventId: string, now: Date): Promise<RegistrationRecord[]>;
  activeForEvent(eventId: string): Promise<RegistrationRecord[]>;
  /** By id; `afterId` is the last id of the previous page. */
  listForEvent(
    eventId: string,
    limit: number,
    afterId: string | undefined,
    status?: RegistrationStatus,
  ): Promise<Slice<RegistrationRecord>>;
  listForUser(userId: string): Promise<RegistrationRecord[]>;
  confirmedUserIds(eventId: string): Promise<string[]>;
  anyCheckedIn(eventId: string): Promise<boolean>;
  /** A paid ticket not yet tied to a registration (payment arrived first). */
  takeUnusedTicket(eventId: string, userId: string, registrationId: string): Promise<string | null>;
  recordTicket(ticket: {
    paymentId: string;
    eventId: string;
    userId: string;
    amountCents: number;
    currency: string;
    paidAt: Date;
    registrationId: string | null;
  }): Promise<boolean>;
  deleteForUser(userId: string): Promise<number>;
}

export interface RatingRecord extends Scores {
  id: string;
  eventId: string;
  userId: string | null;
  organizerId: string;
  createdAt: Date;
}

export interface Averages extends Scores {
  overall: number;
  ratings: number;
}

export interface RatingStore {
  /** False when this member already rated this event. */
  insert(rating: Omit<RatingRecord, 'createdAt'>): Promise<boolean>;
  summary(eventId: string): Promise<Averages>;
  organizerAverages(organizerId: string, from: Date, to: Date): Promise<Averages>;
  organizerMonthly(organizerId: string, from: Date, to: Date): Promise<{ month: string; averages: Averages }[]>;
  listForUser(userId: string): Promise<RatingRecord[]>;
  anonymizeUser(userId: string): Promise<number>;
}

/** Durable jobs an event or registration needs, planned in the transaction of the change (see src/jobs/). */
export interface JobPlanner {
  /** Schedules the reminders of an event's current start (stale ones find the start moved and do nothing). */
  scheduleReminders(event: EventRecord): Promise<void>;
  scheduleHoldExpiry(registration: RegistrationRecord): Promise<void>;
}

/**
 * Per-member calendar feeds. The URL token is the only credential (calendar apps cannot send headers): issuing a
 * new one revokes the previous URL.
 */
export interface CalendarFeedStore {
  rotate(userId: string): Promise<string>;
  owner(token: string): Promise<string | null>;
  exists(userId: string): Promise<boolean>;
  /** Events the member holds a seat for (and canceled ones they had), from 30 days ago on. */
  eventsOf(userId: string): Promise<EventRecord[]>;
  forget(userId: string): Promise<void>;
}

/** Reminders already announced: a job that runs twice (retry after a crash) does not remind twice. */
export interface ReminderStore {
  /** False when this reminder was already sent. */
  markSent(reminderId: string): Promise<boolean>;
}

/** The stores over one queryable (the pool for `read`, a transaction's client in a scope). */
export interface DataStores {
  events: EventStore;
  roles: RoleStore;
  registrations: RegistrationStore;
  ratings: RatingStore;
  calendarFeeds: CalendarFeedStore;
  reminders: ReminderStore;
}

export type Stores = DataStores & { jobs: JobPlanner };

/** One transaction: rows, outbox events (`scope.publish`) and scheduled jobs commit (or vanish) together. */
export type Scope = KitScope<Stores>;
export type UnitOfWork = KitUnitOfWork<Stores>;

/** What the event service asks the user service (over gRPC). */
export interface Directory {
  audienceOf(userId: string): Promise<Audience | null>;
  /** The consul scope of a user (current roles), or null when they are not a consul. */
  consulScope(userId: string): Promise<{ country: string; city: string } | null>;
  /** Drops what is remembered about a member (their cached audience) once they are erased. */
  forget(userId: string): Promise<void>;
}

/**
 * Confirms the roles a token claims with the user service before a role-gated write: a token keeps a revoked
 * appointment until it expires (the kit's LiveRoles; cached, dropped on users.role.* events).
 */
export interface RoleCheck {
  confirm(claims: AccessClaims): Promise<AccessClaims>;
}
