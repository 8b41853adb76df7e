import type { eventV1 } from '@diaspora/proto';
import { Problem } from '@diaspora/service-kit';
import type { DraftEventInput, EventWriter, InboundRegistration } from '../domain/inbound.js';
import type { OrganizerEvents } from '../domain/two-way-sync.js';

/** The event service's status codes back as the HTTP answers the domain rules meant (its detail kept). */
const HTTP_BY_GRPC: Record<number, { status: number; type?: string }> = {
  3: { status: 400, type: 'validation' },
  5: { status: 404 },
  6: { status: 409, type: 'conflict' },
  7: { status: 403 },
  9: { status: 409, type: 'conflict' },
  14: { status: 503 },
  4: { status: 503 },
};

function asProblem(error: unknown): never {
  const { code, details } = error as { code?: number; details?: string };
  const mapped = code === undefined ? undefined : HTTP_BY_GRPC[code];
  if (!mapped) throw error;
  const detail = mapped.status === 503 ? 'The event service is unavailable; retry later.' : details || undefined;
  throw new Problem(mapped.status, { ...(mapped.type ? { type: mapped.type } : {}), ...(detail ? { detail } : {}) });
}

/** Writes on members' behalf through the event service's gRPC (its rules decide; integration only relays). */
export class GrpcEventWriter implements EventWriter, OrganizerEvents {
  constructor(private readonly client: eventV1.EventServiceClient) {}

  async get(eventId: string) {
    try {
      const { event } = await this.client.getEvent({ eventId, viewerId: '' });
      return event ? eventOf(event) : undefined;
    } catch (error) {
      if ((error as { code?: number }).code === 5) return undefined;
      throw error;
    }
  }

  async registerMember(input: { eventId: string; userId: string; organizationId: string }) {
    const { registration } = await this.client.registerMemberForEvent(input).catch(asProblem);
    return registration as InboundRegistration;
  }

  async importDraft(input: DraftEventInput & { organizationId: string }) {
    const { event } = await this.client.importDraftEvent(input).catch(asProblem);
    return eventOf(event);
  }

  async updateAsOrganizer(request: eventV1.UpdateEventAsOrganizerRequest) {
    const { event } = await this.client.updateEventAsOrganizer(request).catch(asProblem);
    return eventOf(event);
  }

  async cancelAsOrganizer(request: eventV1.CancelEventAsOrganizerRequest) {
    const { event } = await this.client.cancelEventAsOrganizer(request).catch(asProblem);
    return eventOf(event);
  }
}

function eventOf(event: eventV1.Event | undefined) {
  if (!event) throw new Problem(502, { detail: 'The event service answered without the event.' });
  return {
    id: event.id,
    title: event.title,
    status: event.status,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    organizerId: event.organizerId,
    capacity: event.capacity,
    ...(event.updatedAt ? { updatedAt: event.updatedAt } : {}),
  };
}
