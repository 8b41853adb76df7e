import { afterAll, expect, it } from 'vitest';
import { createClient, implement } from '../../src/grpc/protos.js';
import { GrpcServer } from '../../src/grpc/server.js';
import { createLogger } from '../../src/logger.js';
import { USER_DATA } from './user-data.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const servers: GrpcServer[] = [];
afterAll(() => Promise.all(servers.map((server) => server.stop(1000))));

async function instance(name: string): Promise<number> {
  const server = new GrpcServer([
    implement(USER_DATA, { exportUserData: async () => ({ service: name, json: '{}' }) }, logger),
  ]);
  servers.push(server);
  const port = await server.listen('127.0.0.1', 0);
  server.setServing(true);
  return port;
}

it('spreads calls over every instance the address names, not only the first', async () => {
  const ports = [await instance('first'), await instance('second')];
  const client = createClient(USER_DATA, `ipv4:${ports.map((port) => `127.0.0.1:${port}`).join(',')}`, {
    deadlineMs: 2000,
    target: 'content',
    identity: { name: 'tests', tokenFor: async () => 'token' },
  });
  const answered = new Set<string>();
  for (let i = 0; i < 20; i++) answered.add((await client.exportUserData({ userId: 'usr_1' })).service);
  client.close();
  expect([...answered].sort()).toEqual(['first', 'second']);
});
