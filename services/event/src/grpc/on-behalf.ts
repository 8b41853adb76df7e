import type { eventV1 } from '@diaspora/proto';
import { type AccessClaims, DOMAINS, type Domain, Problem, problems } from '@diaspora/service-kit';
import type { Catalog, EventInput, EventPatch } from '../domain/catalog.js';
import type { EventType } from '../domain/event.js';
import type { Registrations } from '../domain/registrations.js';

const GRPC_NOT_FOUND = 5;
const EVENT_TYPES: readonly string[] = ['free', 'premium', 'national', 'local'];

export interface OnBehalfDeps {
  catalog: Catalog;
  registrations: Registrations;
  /** The member's claims as the user service holds them now (LiveRoles.claimsOf). */
  claimsOf(userId: string): Promise<AccessClaims>;
}

/**
 * Writes another service makes on a member's behalf. They go through the very use cases the HTTP routes call, with
 * the member's live roles, so the organizer's rights and the capacity rules are the same on both paths.
 */
export class OnBehalf {
  constructor(private readonly deps: OnBehalfDeps) {}

  async claims(userId: string, field: string): Promise<AccessClaims> {
    if (!userId) throw problems.badRequest(`${field} is required`);
    try {
      return await this.deps.claimsOf(userId);
    } catch (error) {
      if ((error as { code?: number }).code === GRPC_NOT_FOUND) throw problems.notFound('member');
      throw error;
    }
  }

  async update(request: eventV1.UpdateEventAsOrganizerRequest) {
    if (!request.eventId) throw problems.badRequest('event_id is required');
    const claims = await this.claims(request.actorId, 'actor_id');
    const patch: EventPatch = {
      ...(request.title !== undefined ? { title: request.title } : {}),
      ...(request.description !== undefined ? { description: request.description } : {}),
      ...(request.startsAt !== undefined ? { startsAt: isoTime(request.startsAt, 'starts_at') } : {}),
      ...(request.endsAt !== undefined ? { endsAt: isoTime(request.endsAt, 'ends_at') } : {}),
      ...(request.timezone !== undefined ? { timezone: request.timezone } : {}),
      ...(request.venue !== undefined ? { venue: request.venue } : {}),
      ...(request.onlineUrl !== undefined ? { online: request.onlineUrl ? { url: request.onlineUrl } : null } : {}),
    };
    await this.deps.catalog.update(claims, request.eventId, patch, 'occurrence');
    return this.read(claims, request.eventId);
  }

  async cancel(request: eventV1.CancelEventAsOrganizerRequest) {
    if (!request.eventId) throw problems.badRequest('event_id is required');
    const claims = await this.claims(request.actorId, 'actor_id');
    await this.deps.catalog.cancel(claims, request.eventId, request.reason || undefined, 'occurrence');
    return this.read(claims, request.eventId);
  }

  async importDraft(request: eventV1.ImportDraftEventRequest) {
    if (!request.organizationId) throw problems.badRequest('organization_id is required');
    const claims = await this.claims(request.organizerId, 'organizer_id');
    if (!EVENT_TYPES.includes(request.type))
      throw problems.validation([{ field: 'type', message: `one of ${EVENT_TYPES.join(', ')}` }]);
    // The HTTP schema's bounds for what the domain rules do not check themselves.
    const errors = [
      ...(request.title.trim() && request.title.length <= 200
        ? []
        : [{ field: 'title', message: '1..200 characters' }]),
      ...(request.description.length <= 10_000 ? [] : [{ field: 'description', message: 'at most 10000 characters' }]),
      ...((DOMAINS as readonly string[]).includes(request.domain) ? [] : [{ field: 'domain', message: 'unknown' }]),
      ...(request.capacity >= 1 && request.capacity <= 100_000 ? [] : [{ field: 'capacity', message: '1..100000' }]),
      ...(request.languages.length >= 1 && request.languages.length <= 10
        ? []
        : [{ field: 'languages', message: '1..10 language tags' }]),
    ];
    if (errors.length) throw problems.validation(errors);
    const input: EventInput = {
      title: request.title,
      description: request.description,
      domain: request.domain as Domain,
      type: request.type as EventType,
      startsAt: isoTime(request.startsAt, 'starts_at'),
      endsAt: isoTime(request.endsAt, 'ends_at'),
      timezone: request.timezone,
      capacity: request.capacity,
      languages: request.languages,
      status: 'draft',
      ...(request.venue ? { venue: request.venue } : {}),
      ...(request.onlineUrl ? { online: { url: request.onlineUrl } } : {}),
      ...(request.priceCents !== undefined ? { priceCents: request.priceCents } : {}),
      ...(request.currency ? { currency: request.currency } : {}),
    };
    const created = await this.deps.catalog.create(claims, input);
    return this.read(claims, created.id);
  }

  async register(request: eventV1.RegisterMemberForEventRequest): Promise<eventV1.Registration> {
    if (!request.eventId) throw problems.badRequest('event_id is required');
    const claims = await this.claims(request.userId, 'user_id');
    const view = await this.deps.registrations.register(claims, request.eventId);
    return {
      id: view.id,
      eventId: view.eventId,
      userId: view.userId,
      status: view.status,
      createdAt: view.createdAt,
      ...(view.waitlistPosition ? { waitlistPosition: view.waitlistPosition } : {}),
      ...(view.holdExpiresAt ? { holdExpiresAt: view.holdExpiresAt } : {}),
    };
  }

  private async read(claims: AccessClaims, eventId: string) {
    const [event] = await this.deps.catalog.many(claims, [eventId]);
    if (!event) throw problems.notFound('event');
    return event;
  }
}

/** gRPC carries one detail string: a validation problem names its fields there (the caller shows them). */
export async function withFieldDetail<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Problem && error.errors?.length)
      throw problems.validation(
        error.errors,
        `The request is not valid: ${error.errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`,
      );
    throw error;
  }
}

/** The HTTP schema checks date-times; gRPC strings get the same check here. */
function isoTime(value: string, field: string): string {
  if (!value || Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}T/.test(value))
    throw problems.validation([{ field, message: 'an RFC 3339 date-time' }]);
  return value;
}
