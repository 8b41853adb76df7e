import type { userV1 } from '@diaspora/proto';
import { problems } from '@diaspora/service-kit';
import type { GovernanceService } from '../domain/governance.js';
import type { MemberDirectory } from '../domain/members.js';
import type { UnitOfWork } from '../domain/ports.js';
import type { ProfileService } from '../domain/profile.js';
import type { RelatedKind, SocialQueries } from '../domain/social-queries.js';
import type { SuspensionService } from '../domain/suspension.js';
import type { PublicView } from '../domain/views.js';

const MAX_BATCH = 100;
const DEFAULT_PAGE = 500;
const MAX_PAGE = 1000;
const DEFAULT_SEARCH_PAGE = 20;
const MAX_SEARCH_PAGE = 100;

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

/** Admin listings: 1..100, default 20. */
function searchPageSize(requested: number): number {
  if (!requested) return DEFAULT_SEARCH_PAGE;
  if (requested < 1 || requested > MAX_SEARCH_PAGE) {
    throw problems.badRequest(`page_size must be 1..${MAX_SEARCH_PAGE}`);
  }
  return requested;
}

export function userGrpcHandlers(deps: {
  uow: UnitOfWork;
  profiles: ProfileService;
  social: SocialQueries;
  members: MemberDirectory;
  suspensions: SuspensionService;
  governance: GovernanceService;
}): userV1.UserServiceHandlers {
  const { uow, profiles, social, members, suspensions, governance } = deps;
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
    async getContactInfo(request) {
      return members.contactInfo(required(request.userId, 'user_id'));
    },
    async listMemberIds(request) {
      return members.communityIds(
        {
          residenceCountry: required(request.residenceCountry, 'residence_country'),
          residenceCity: request.residenceCity,
          originCountry: request.originCountry,
          domains: request.domains,
        },
        pageSize(request.pageSize),
        request.pageToken,
      );
    },
    async matchContactHashes(request) {
      const matches = await members.matchContacts(
        required(request.viewerId, 'viewer_id'),
        request.emailHashes,
        request.phoneHashes,
      );
      return { matches };
    },
    async searchMembers(request) {
      return members.search(
        required(request.actorId, 'actor_id'),
        request,
        searchPageSize(request.pageSize),
        request.pageToken,
      );
    },
    async setSuspension(request) {
      const member = await suspensions.set({
        actorId: required(request.actorId, 'actor_id'),
        userId: required(request.userId, 'user_id'),
        suspended: request.suspended,
        reason: request.reason,
        until: request.until,
      });
      return { member };
    },
    async listRoleAudit(request) {
      return governance.auditPage(request.userId || null, searchPageSize(request.pageSize), request.pageToken);
    },
  };
}
