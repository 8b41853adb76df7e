import type { userV1 } from '@diaspora/proto';
import type { UserDirectory } from '../domain/ports.js';
import { call, optional } from './grpc-errors.js';

/** The user service over gRPC (every call has the client's deadline). */
export class GrpcUserDirectory implements UserDirectory {
  constructor(private readonly client: userV1.UserServiceClient) {}

  async roles(userId: string) {
    const answer = await optional(this.client.getRoles({ userId }));
    return answer ? { roles: answer.roles, assignments: answer.assignments } : null;
  }

  async user(userId: string, viewerId: string) {
    return (await optional(this.client.getUser({ userId, viewerId })))?.user ?? null;
  }

  search(request: userV1.SearchMembersRequest) {
    return call(this.client.searchMembers(request));
  }

  async setSuspension(request: userV1.SetSuspensionRequest) {
    const { member } = await call(this.client.setSuspension(request));
    if (!member) throw new Error('SetSuspension answered without a member');
    return member;
  }

  roleAudit(pageToken: string, pageSize: number) {
    return call(this.client.listRoleAudit({ userId: '', pageSize, pageToken }));
  }
}
