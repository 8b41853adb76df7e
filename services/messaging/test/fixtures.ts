import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { userV1 } from '@diaspora/proto';
import { newId } from '@diaspora/service-kit';
import { type FakeUser, issueTestToken, startFakeUserService, startTestService } from '@diaspora/testing';
import WebSocket from 'ws';
import { messagingService } from '../src/app.js';

export type MessagingTestService = Awaited<ReturnType<typeof startTestService<typeof messagingService.config>>>;

export function fakeUser(name: string, overrides: Partial<FakeUser> = {}): FakeUser {
  return {
    id: newId('usr'),
    displayName: name,
    languages: ['fr'],
    domains: [],
    roles: ['regular'],
    tier: 'free',
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

/**
 * A fake user service whose GetRelationship answers `can_message` from a set of refused pairs ("viewer>target")
 * that tests change on the fly; `unavailable` makes every call fail as if the service were down.
 */
export async function startUsers(users: FakeUser[]) {
  const refused = new Set<string>();
  const state = { unavailable: false, calls: 0 };
  const fake = await startFakeUserService(users, {
    getRelationship: async (request: userV1.GetRelationshipRequest) => {
      state.calls++;
      if (state.unavailable) throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
      if (!users.some((user) => user.id === request.targetId)) {
        const { Problem } = await import('@diaspora/service-kit');
        throw new Problem(404, { detail: 'user not found' });
      }
      const allowed = !refused.has(`${request.viewerId}>${request.targetId}`);
      return {
        following: false,
        followedBy: false,
        connected: false,
        blocking: false,
        blockedBy: false,
        canMessage: allowed,
      };
    },
  });
  return { ...fake, refused, state };
}

export async function startMessaging(
  usersAddress: string,
  options: { env?: Record<string, string>; listen?: boolean; workers?: boolean } = {},
): Promise<MessagingTestService> {
  const media = mkdtempSync(join(tmpdir(), 'messaging-media-'));
  return startTestService(messagingService, {
    listen: options.listen ?? false,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    env: {
      USER_GRPC_ADDR: usersAddress,
      STORAGE_URL: pathToFileURL(media).href,
      STORAGE_SIGNING_SECRET: 'a-test-signing-secret-of-at-least-32-chars',
      RELATIONSHIP_CACHE_SECONDS: '0',
      WS_RESUME_WAIT_MS: '300',
      ...options.env,
    },
  });
}

export const tokenFor = (user: FakeUser, tier: 'free' | 'premium' = 'free', expiresInSeconds = 300) =>
  issueTestToken({ sub: user.id, tier, roles: tier === 'premium' ? ['premium'] : ['regular'] }, { expiresInSeconds });

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let sequence = 0;
export const clientId = () => `c-${Date.now().toString(36)}-${++sequence}`;

export type Frame = Record<string, unknown> & { op: string };

/** A real WebSocket client that records every frame and lets a test wait for the ones it expects. */
export class TestClient {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Connects (`http…` base URL) and waits for the server's hello. */
  static async connect(baseUrl: string, token: string, options: WebSocket.ClientOptions = {}): Promise<TestClient> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/v1/messages/ws?token=${encodeURIComponent(token)}`;
    const socket = new WebSocket(url, options);
    const client = new TestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on('end', () =>
          reject(Object.assign(new Error(`HTTP ${response.statusCode}`), { status: response.statusCode, body })),
        );
      });
    });
    await client.next((frame) => frame.op === 'hello');
    return client;
  }

  send(frame: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** The first recorded frame (from `from` on) matching, waiting up to `timeoutMs`; it is consumed. */
  async next(match: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex(match);
      if (index >= 0) return this.frames.splice(index, 1)[0]!;
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.map((f) => f.op))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends a frame with a fresh ref and waits for its ack (or error) frame. */
  async request(frame: Record<string, unknown>, timeoutMs = 5000): Promise<Frame> {
    const ref = `r${++sequence}`;
    this.send({ ...frame, ref });
    return this.next((candidate) => candidate.ref === ref, timeoutMs);
  }

  /** Frames of one op already received (not consumed). */
  all(op: string): Frame[] {
    return this.frames.filter((frame) => frame.op === op);
  }

  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket did not close');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.socket.close();
    // A peer that does not answer the close handshake in time is cut off.
    await this.waitClosed(2000).catch(() => this.socket.terminate());
    await this.waitClosed();
  }
}

/** The dev gateway from the repository's kong/kong.yml, in front of one messaging instance (as all-in-one does). */
export async function startGatewayFor(messagingHttpUrl: string) {
  const { createGateway } = await import('@diaspora/gateway');
  const { createLogger, MemoryCache } = await import('@diaspora/service-kit');
  const { testSigningKey } = await import('@diaspora/testing');
  const cache = new MemoryCache();
  const gateway = await createGateway({
    kongConfigPath: join(import.meta.dirname, '../../../kong/kong.yml'),
    env: { JWT_PUBLIC_KEY: testSigningKey().publicKeyPem },
    upstreams: { 'messaging-service': messagingHttpUrl },
    onlyListedUpstreams: true,
    cache,
    logger: createLogger({ service: 'gateway', level: 'silent' }),
  });
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    close: async () => {
      await gateway.close();
      await cache.close();
    },
  };
}
