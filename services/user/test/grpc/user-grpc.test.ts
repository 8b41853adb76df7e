import { createClient, userV1 } from '@diaspora/proto';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register, startUserService, type UserTestService } from '../fixtures.js';

let service: UserTestService;
let client: userV1.UserServiceClient;
beforeAll(async () => {
  service = await startUserService({ listen: true });
  client = createClient(userV1.UserService, service.addresses!.grpcAddress, { deadlineMs: 2000 });
});
afterAll(async () => {
  client?.close();
  await service?.close();
});

describe('UserService over gRPC', () => {
  it('GetUser returns the public view for an anonymous viewer', async () => {
    const session = await register(service.app, { bio: 'Hi' });
    const { user } = await client.getUser({ userId: session.user.id });
    expect(user).toMatchObject({
      id: session.user.id,
      bio: 'Hi',
      originCountry: 'SN',
      roles: ['regular'],
      tier: 'free',
    });
    expect(user).not.toHaveProperty('email');
  });

  it('GetUser of an unknown id fails with NOT_FOUND, of no id with INVALID_ARGUMENT', async () => {
    await expect(client.getUser({ userId: 'usr_00000000000000000000000000' })).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
    await expect(client.getUser({})).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
  });

  it('BatchGetUsers keeps the asked order, drops unknown and repeated ids, caps the batch', async () => {
    const [a, b] = [await register(service.app), await register(service.app)];
    const { users } = await client.batchGetUsers({ userIds: [b.user.id, 'usr_unknown', a.user.id, b.user.id] });
    expect(users.map((user) => user.id)).toEqual([b.user.id, a.user.id]);
    const tooMany = Array.from({ length: 101 }, (_, i) => `usr_${i}`);
    await expect(client.batchGetUsers({ userIds: tooMany })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
  });

  it('honours the call deadline', async () => {
    await expect(client.batchGetUsers({ userIds: [] }, { deadlineMs: 0 })).rejects.toMatchObject({
      code: grpc.status.DEADLINE_EXCEEDED,
    });
  });

  it('serves the standard gRPC health service', async () => {
    const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
    const health = new Health(
      service.addresses!.grpcAddress,
      grpc.credentials.createInsecure(),
    ) as unknown as grpc.Client & {
      check(request: object, callback: (error: Error | null, response: { status: string }) => void): void;
    };
    const response = await new Promise<{ status: string }>((resolve, reject) =>
      health.check({ service: 'diaspora.user.v1.UserService' }, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
    health.close();
    expect(response.status).toBe('SERVING');
  });
});
