import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventData, EventDefinition, EventEnvelope } from '@diaspora/events';
import { buildEnvelope, encodeEnvelope, newId } from '@diaspora/service-kit';
import { type FakeUser, issueTestToken, startFakeUserService, startTestService } from '@diaspora/testing';
import { integrationService } from '../src/app.js';

export type IntegrationTestService = Awaited<ReturnType<typeof startTestService<typeof integrationService.config>>>;

export interface Member {
  id: string;
  token: string;
  user: FakeUser;
}

export function member(
  overrides: Partial<FakeUser> = {},
  claims: { roles?: string[]; tier?: 'free' | 'premium' } = {},
): Member {
  const id = overrides.id ?? newId('usr');
  const user: FakeUser = {
    id,
    displayName: `Member ${id.slice(-5)}`,
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    languages: ['fr'],
    domains: [],
    roles: ['regular'],
    tier: claims.tier ?? 'free',
    createdAt: new Date().toISOString(),
    ...overrides,
  };
  const token = issueTestToken({ sub: id, roles: (claims.roles ?? ['regular']) as never, tier: claims.tier ?? 'free' });
  return { id, token, user };
}

export const bearer = (who: Member) => ({ authorization: `Bearer ${who.token}` });

/** The integration service on a fresh database, talking to a fake user service holding `members`. */
export async function startIntegration(
  members: Member[] = [],
  env: Record<string, string> = {},
  options: { listen?: boolean } = {},
) {
  const users = await startFakeUserService(members.map((m) => m.user));
  const dataDir = mkdtempSync(join(tmpdir(), 'integration-test-'));
  chmodSync(dataDir, 0o755);
  const service = await startTestService(integrationService, {
    env: { DATA_DIR: dataDir, USER_GRPC_ADDR: users.address, JOB_POLL_SECONDS: '0.5', ...env },
    ...(options.listen ? { listen: true } : {}),
  });
  return {
    service,
    app: service.app,
    users,
    dataDir,
    async close() {
      await service.close();
      await users.stop();
    },
  };
}

/** Publishes a domain event on the service's bus as its producer would. */
export async function publish<D extends EventDefinition>(
  service: IntegrationTestService,
  definition: D,
  data: EventData<D>,
  source = 'user',
): Promise<EventEnvelope> {
  const envelope = buildEnvelope(source, definition, data);
  await service.context.bus.publish({ id: envelope.id, subject: envelope.subject, data: encodeEnvelope(envelope) });
  return envelope;
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver: records every request and answers with `answer` (200 by default). */
export async function startReceiver(
  answer: (request: Received, count: number) => { status: number; body?: string; delayMs?: number } = () => ({
    status: 200,
  }),
) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      const { status, body, delayMs } = answer(entry, received.length);
      setTimeout(() => response.writeHead(status, { 'content-type': 'text/plain' }).end(body ?? 'ok'), delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const userRegistered = (userId = newId('usr')) => ({
  userId,
  displayName: 'Awa Diop',
  originCountry: 'SN',
  residenceCountry: 'FR',
  residenceCity: 'Paris',
  languages: ['fr'],
  domains: [],
  registeredAt: new Date().toISOString(),
});
