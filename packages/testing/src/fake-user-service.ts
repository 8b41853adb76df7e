import { implement, userV1 } from '@diaspora/proto';
import { createLogger, GrpcServer, Problem } from '@diaspora/service-kit';

export type FakeUser = userV1.User & { followers?: string[]; following?: string[]; connections?: string[] };

/**
 * A real gRPC server speaking the UserService contract from in-memory data, for testing services that call the
 * user service without running it. Override any handler to script other answers (errors, slowness…).
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
  const strip = ({ followers: _f, following: _g, connections: _c, ...user }: FakeUser): userV1.User => user;
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
      return { roles: user.roles, assignments: [], tier: user.tier };
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
    ...overrides,
  };
  const server = new GrpcServer([
    implement(userV1.UserService, handlers, createLogger({ service: 'fake-user', level: 'silent' })),
  ]);
  const port = await server.listen('127.0.0.1', 0);
  server.setServing(true);
  return { address: `127.0.0.1:${port}`, users: byId, stop: () => server.stop(1000) };
}
