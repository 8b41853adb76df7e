import type { eventV1 } from '@diaspora/proto';
import type { EventDirectory } from '../domain/ports.js';

const GRPC_NOT_FOUND = 5;

/** The event service: consul scorecards and a member's upcoming events. */
export class GrpcEventDirectory implements EventDirectory {
  constructor(private readonly client: eventV1.EventServiceClient) {}

  async scorecard(organizerId: string) {
    try {
      const card = await this.client.getScorecard({ organizerId, year: 0 });
      if (card.quota === 0) return null;
      return { held: card.eventsHeld, scheduled: card.eventsScheduled, quota: card.quota, behind: card.behindQuota };
    } catch (error) {
      if ((error as { code?: number }).code === GRPC_NOT_FOUND) return null;
      throw error;
    }
  }

  async upcomingFor(userId: string) {
    const { events } = await this.client.listUpcomingForUser({ userId, pageSize: 5, pageToken: '' });
    return events.map((event) => ({ id: event.id, title: event.title }));
  }
}

/** Without an event service: nobody is behind a quota, nothing is upcoming. */
export const noEvents: EventDirectory = { scorecard: async () => null, upcomingFor: async () => [] };
