import type { userV1 } from '@diaspora/proto';
import { Problem, problems } from '@diaspora/service-kit';
import type { UnitOfWork } from '../domain/ports.js';
import type { ProfileService } from '../domain/profile.js';
import type { RelatedKind, SocialQueries } from '../domain/social-queries.js';
import type { PublicView } from '../domain/views.js';

const MAX_BATCH = 100;
const DEFAULT_PAGE = 500;
const MAX_PAGE = 1000;

/** The proto's User: hidden fields stay unset (optional) or empty (repeated). */
function toGrpcUser(view: PublicView): userV1.User {
  return {
    id: view.id,
    displayName: view.displayName,
    ...(view.avatarUrl ? { avatarUrl: view.avatarUrl } : {}),
    ...(view.bio ? { bio: view.bio } : {}),
    ...(view.originCountry ? { originCountry: view.originCountry } : {}),
    ...(view.residenceCountry ? { residenceCountry: view.residenceCountry } : {}),
    ...(view.residenceCity ? { residenceCity: view.residenceCity } : {}),
    languages: view.languages ?? [],
    domains: view.domains ?? [],
    roles: view.roles,
    tier: view.tier,
    createdAt: view.createdAt,
  };
}

function required(value: string, field: string): string {
  if (!value) throw problems.badRequest(`${field} is required`);
  return value;
}

function pageSize(requested: number): number {
  if (!requested) return DEFAULT_PAGE;
  if (requested < 1 || requested > MAX_PAGE) throw problems.badRequest(`page_size must be 1..${MAX_PAGE}`);
  return requested;
}

const notYet = async (): Promise<never> => {
  throw new Problem(501, { detail: 'not implemented yet' });
};

export function userGrpcHandlers(
  uow: UnitOfWork,
  profiles: ProfileService,
  social: SocialQueries,
): userV1.UserServiceHandlers {
  const related = (kind: RelatedKind) => async (request: userV1.ListRelatedIdsRequest) =>
    social.relatedIds(kind, required(request.userId, 'user_id'), pageSize(request.pageSize), request.pageToken);

  return {
    async getUser(request) {
      const view = await profiles.viewFor(request.viewerId || null, required(request.userId, 'user_id'));
      return { user: toGrpcUser(view) };
    },
    async batchGetUsers(request) {
      if (request.userIds.length > MAX_BATCH) throw problems.badRequest(`at most ${MAX_BATCH} user ids per call`);
      const views = await profiles.viewsFor(request.viewerId || null, request.userIds);
      return { users: views.map(toGrpcUser) };
    },
    async getRoles(request) {
      const user = await uow.read.users.findById(required(request.userId, 'user_id'));
      if (!user) throw problems.notFound('user');
      const scoped = new Map(user.assignments.map((assignment) => [assignment.role as string, assignment]));
      return {
        roles: user.roles,
        assignments: user.roles.map((role) => ({
          role,
          country: scoped.get(role)?.country ?? '',
          city: scoped.get(role)?.city ?? '',
        })),
        tier: user.tier,
      };
    },
    async isFollowing(request) {
      const following = await social.isFollowing(
        required(request.followerId, 'follower_id'),
        required(request.followeeId, 'followee_id'),
      );
      return { following };
    },
    listFollowerIds: related('followers'),
    listFollowingIds: related('following'),
    listConnectionIds: related('connections'),
    async getRelationship(request) {
      return social.relationship(required(request.viewerId, 'viewer_id'), required(request.targetId, 'target_id'));
    },
    // Declared in the contract, being implemented next: callers get an honest UNIMPLEMENTED until then.
    getContactInfo: notYet,
    listMemberIds: notYet,
    matchContactHashes: notYet,
    searchMembers: notYet,
    setSuspension: notYet,
    listRoleAudit: notYet,
  };
}
