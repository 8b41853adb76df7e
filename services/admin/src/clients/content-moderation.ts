import type { contentV1 } from '@diaspora/proto';
import type { ContentModerator } from '../domain/ports.js';
import { call, optional } from './grpc-errors.js';

/** The content service's ContentModeration: it checks the moderator's scope itself too. */
export class GrpcContentModerator implements ContentModerator {
  constructor(private readonly client: contentV1.ContentModerationClient) {}

  item(moderator: contentV1.Moderator, targetType: string, targetId: string) {
    return optional(this.client.getItem({ moderator, targetType, targetId }));
  }

  async takeDown(moderator: contentV1.Moderator, targetType: string, targetId: string, reason: string) {
    await call(this.client.takeDown({ moderator, targetType, targetId, reason }));
  }

  async restore(moderator: contentV1.Moderator, targetType: string, targetId: string, reason: string) {
    await call(this.client.restore({ moderator, targetType, targetId, reason }));
  }
}
