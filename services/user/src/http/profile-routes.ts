import { type HttpApp, problemResponses } from '@diaspora/service-kit';
import type { ProfileService } from '../domain/profile.js';
import { OwnProfile, ProfilePatch, PublicUser, UserIdParam } from './schemas.js';

const tags = ['profile'];
const security = [{ bearer: [] }];

export async function profileRoutes(app: HttpApp, profiles: ProfileService): Promise<void> {
  app.get(
    '/api/v1/users/profile',
    {
      onRequest: app.authenticate,
      schema: { tags, security, summary: 'Your own profile', response: { 200: OwnProfile, ...problemResponses(401) } },
    },
    async (request) => profiles.own(request.auth!.sub),
  );

  app.patch(
    '/api/v1/users/profile',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'Change your profile',
        body: ProfilePatch,
        response: { 200: OwnProfile, ...problemResponses(400, 401) },
      },
    },
    async (request) => profiles.update(request.auth!.sub, request.body),
  );

  app.get(
    '/api/v1/users/:userId',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: "Another member's public profile",
        params: UserIdParam,
        response: { 200: PublicUser, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => profiles.publicProfile(request.params.userId),
  );
}
