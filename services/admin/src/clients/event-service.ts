import type { eventV1 } from '@diaspora/proto';
import { isUnavailableError } from '@diaspora/service-kit';
import type { ScorecardSource } from '../domain/ports.js';
import { optional } from './grpc-errors.js';

/** Organizer scorecards from the event service; the member page shows without one when it is down. */
export class GrpcScorecards implements ScorecardSource {
  constructor(private readonly client: eventV1.EventServiceClient) {}

  async scorecard(organizerId: string) {
    try {
      return await optional(this.client.getScorecard({ organizerId, year: 0 }));
    } catch (error) {
      if (isUnavailableError(error)) return null;
      throw error;
    }
  }
}
