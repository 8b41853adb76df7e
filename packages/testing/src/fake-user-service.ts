import { createHash } from 'node:crypto';
import { userV1 } from '@diaspora/proto';
import { Problem } from '@diaspora/service-kit';
import { fakeService, startFakeGrpcServer } from './fake-grpc.js';

export type FakeUser = userV1.User & {
  followers?: string[];
  following?: string[];
  connections?: string[];
  /** Defaults: `<id>@example.test`, verified, findable by email; UTC; active. */
  email?: string;
  phone?: string;
  findableByEmail?: boolean;
  findableByPhone?: boolean;
  timeZone?: string;
  status?: 'active' | 'suspended';
  suspensionReason?: string;
  suspendedUntil?: string;
  /** Appointments GetRoles answers (ambassador of a country, consul of a city); none by default. */
  assignments?: userV1.RoleAssignment[];
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A real gRPC server speaking the UserService contract from in-memory data, for testing services that call the
 * user service without running it. Like the real one, it answers only callers proto/access.yaml lets in.
 * Override any handler to script other answers (errors, slowness…).
 */
export async function startFakeUserService(
  users: FakeUser[] = [],
  overrides: Partial<userV1.UserServiceHandlers> = {},
): Promise<{ address: string; users: Map<string, FakeUser>; stop(): Promise<void> }> {
  const byId = new Map(users.map((user) => [user.id, user]));
  const find = (id: string) => {
    const user = byId.get(id);
    if (!user) throw new Problem(404, { detail: 'user not found' });
    return user;
  };
  const strip = ({
    followers: _f,
    following: _g,
    connections: _c,
    email: _e,
    phone: _p,
    findableByEmail: _fe,
    findableByPhone: _fp,
    timeZone: _t,
    status: _s,
    suspensionReason: _r,
    suspendedUntil: _u,
    assignments: _a,
    ...user
  }: FakeUser): userV1.User => user;
  const emailOf = (user: FakeUser) => user.email ?? `${user.id}@example.test`;
  const member = (user: FakeUser): userV1.Member => ({
    id: user.id,
    displayName: user.displayName,
    email: emailOf(user),
    originCountry: user.originCountry ?? '',
    residenceCountry: user.residenceCountry ?? '',
    residenceCity: user.residenceCity ?? '',
    roles: user.roles,
    assignments: [],
    tier: user.tier,
    status: user.status ?? 'active',
    suspendedUntil: user.suspendedUntil,
    suspensionReason: user.suspensionReason,
    createdAt: user.createdAt,
  });
  const page = (ids: string[], request: userV1.ListRelatedIdsRequest) => {
    const start = Number(request.pageToken || 0);
    const size = request.pageSize || 500;
    const next = start + size < ids.length ? String(start + size) : '';
    return { userIds: ids.slice(start, start + size), nextPageToken: next };
  };
  const handlers: userV1.UserServiceHandlers = {
    getUser: async (request) => ({ user: strip(find(request.userId)) }),
    batchGetUsers: async (request) => ({
      users: request.userIds.flatMap((id) => (byId.has(id) ? [strip(byId.get(id)!)] : [])),
    }),
    getRoles: async (request) => {
      const user = find(request.userId);
      return { roles: user.roles, assignments: user.assignments ?? [], tier: user.tier };
    },
    isFollowing: async (request) => ({
      following: find(request.followerId).following?.includes(request.followeeId) ?? false,
    }),
    listFollowerIds: async (request) => page(find(request.userId).followers ?? [], request),
    listFollowingIds: async (request) => page(find(request.userId).following ?? [], request),
    listConnectionIds: async (request) => page(find(request.userId).connections ?? [], request),
    getRelationship: async (request) => {
      const viewer = find(request.viewerId);
      const target = find(request.targetId);
      return {
        following: viewer.following?.includes(target.id) ?? false,
        followedBy: target.following?.includes(viewer.id) ?? false,
        connected: viewer.connections?.includes(target.id) ?? false,
        blocking: false,
        blockedBy: false,
        canMessage: true,
      };
    },
    getContactInfo: async (request) => {
      const user = find(request.userId);
      return {
        userId: user.id,
        displayName: user.displayName,
        email: emailOf(user),
        emailVerified: true,
        phone: user.phone,
        phoneVerified: user.phone !== undefined,
        languages: user.languages,
        timeZone: user.timeZone ?? 'UTC',
        status: user.status ?? 'active',
      };
    },
    listMemberIds: async (request) => {
      const ids = [...byId.values()]
        .filter(
          (user) =>
            user.residenceCountry === request.residenceCountry &&
            (!request.residenceCity || user.residenceCity === request.residenceCity) &&
            (!request.originCountry || user.originCountry === request.originCountry) &&
            (request.domains.length === 0 || request.domains.some((domain) => user.domains.includes(domain))) &&
            (user.status ?? 'active') === 'active',
        )
        .map((user) => user.id)
        .sort();
      return page(ids, { userId: '', pageSize: request.pageSize, pageToken: request.pageToken });
    },
    matchContactHashes: async (request) => {
      const emails = new Set(request.emailHashes);
      const phones = new Set(request.phoneHashes);
      const matches = [...byId.values()].filter(
        (user) =>
          user.id !== request.viewerId &&
          (((user.findableByEmail ?? true) && emails.has(sha256(emailOf(user).trim().toLowerCase()))) ||
            ((user.findableByPhone ?? false) && user.phone !== undefined && phones.has(sha256(user.phone)))),
      );
      return {
        matches: matches.map((user) => ({ userId: user.id, displayName: user.displayName, avatarUrl: user.avatarUrl })),
      };
    },
    searchMembers: async (request) => {
      const query = request.query.toLowerCase();
      const members = [...byId.values()].filter(
        (user) =>
          (!query || user.displayName.toLowerCase().includes(query)) &&
          (!request.status || (user.status ?? 'active') === request.status),
      );
      return { members: members.map(member), nextPageToken: '' };
    },
    setSuspension: async (request) => {
      const user = find(request.userId);
      user.status = request.suspended ? 'suspended' : 'active';
      user.suspensionReason = request.suspended ? request.reason : undefined;
      user.suspendedUntil = request.suspended && request.until ? request.until : undefined;
      return { member: member(user) };
    },
    // No role changes happen in the fake; override to script an audit.
    listRoleAudit: async () => ({ entries: [], nextPageToken: '' }),
    ...overrides,
  };
  const server = await startFakeGrpcServer('user', [fakeService(userV1.UserService, handlers)]);
  return { ...server, users: byId };
}
