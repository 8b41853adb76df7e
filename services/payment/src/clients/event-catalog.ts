import type { eventV1 } from '@diaspora/proto';
import type { CatalogEvent, EventCatalog } from '../domain/ports.js';

const GRPC_NOT_FOUND = 5;

/** The event service over gRPC (GetEvent with the member as viewer, so unpublished events stay invisible). */
export class GrpcEventCatalog implements EventCatalog {
  constructor(private readonly client: eventV1.EventServiceClient) {}

  async find(eventId: string, viewerId: string): Promise<CatalogEvent | null> {
    try {
      const { event, viewerRegistrationStatus } = await this.client.getEvent({ eventId, viewerId });
      if (!event) return null;
      return {
        id: event.id,
        title: event.title,
        type: event.type,
        status: event.status,
        capacity: event.capacity,
        registeredCount: event.registeredCount,
        priceCents: event.priceCents ?? null,
        currency: event.currency ?? null,
        viewerRegistration: viewerRegistrationStatus ?? null,
      };
    } catch (error) {
      if ((error as { code?: number }).code === GRPC_NOT_FOUND) return null;
      throw error;
    }
  }
}
