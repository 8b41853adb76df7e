import { bearerSecurity, callerOf, type HttpApp, problemResponses } from '@diaspora/service-kit';
import type { ProfileService } from '../domain/profile.js';
import { MemberProfile, OwnProfileWithCounts, ProfilePatch, UserIdParam } from './schemas.js';

const tags = ['profile'];

export async function profileRoutes(app: HttpApp, profiles: ProfileService): Promise<void> {
  app.get(
    '/api/v1/users/profile',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Your own profile',
        response: { 200: OwnProfileWithCounts, ...problemResponses(401, 404) },
      },
    },
    async (request) => profiles.own(callerOf(request).sub),
  );

  app.patch(
    '/api/v1/users/profile',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Change your profile, its per-field privacy and who may message you',
        description:
          '`privacy` sets, per field, who sees it: public, connections or private (only you); fields not given ' +
          'keep their setting. `privacy.findableByEmail` / `findableByPhone` decide whether members who have your ' +
          'email or (verified) phone number in their contacts may find you. `coordinates: null` and ' +
          '`arrivedAt: null` remove them; `timeZone` is an IANA name (e.g. Europe/Paris).',
        body: ProfilePatch,
        response: { 200: OwnProfileWithCounts, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => profiles.update(callerOf(request).sub, request.body),
  );

  app.get(
    '/api/v1/users/:userId',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: "A member's profile as you may see it",
        description:
          'Fields the member keeps private, or for connections only, are left out. Members who block each other ' +
          'are hidden from each other (404).',
        params: UserIdParam,
        response: { 200: MemberProfile, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => profiles.profileFor(callerOf(request).sub, request.params.userId),
  );
}
