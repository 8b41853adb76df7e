import { createPrivateKey } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateServiceKeyPair, StaticPeerKeys, servicePeerJwks } from '../../src/auth/service-keys.js';
import { AccessPolicy } from '../../src/grpc/access.js';
import { createClient, implement, PROTO_ROOT, type ServiceDescriptor } from '../../src/grpc/protos.js';
import { GrpcServer } from '../../src/grpc/server.js';
import {
  type CallerIdentity,
  runAsService,
  ServiceCallGuard,
  ServiceIdentity,
  setDefaultCallerIdentity,
} from '../../src/grpc/service-auth.js';
import { createLogger } from '../../src/logger.js';

interface ExportClient {
  exportUserData(request: { userId: string }): Promise<{ service: string; json: string }>;
  close(): void;
}
const USER_DATA: ServiceDescriptor<ExportClient, { exportUserData(r: { userId: string }): Promise<object> }> = {
  fullName: 'diaspora.common.v1.UserData',
  file: 'common/v1/user_data.proto',
  methods: ['exportUserData'],
};

const logger = createLogger({ service: 'test', level: 'silent' });
const pairs = { user: generateServiceKeyPair(), event: generateServiceKeyPair() };
const stranger = generateServiceKeyPair();
const peers = StaticPeerKeys.fromJwks(
  servicePeerJwks({ user: pairs.user.publicKeyPem, event: pairs.event.publicKeyPem }),
);
const policy = AccessPolicy.parse('diaspora.common.v1.UserData:\n  ExportUserData: [user]\n');
const identity = (name: keyof typeof pairs) => new ServiceIdentity(name, createPrivateKey(pairs[name].privateKeyPem));

let server: GrpcServer;
let address: string;
beforeAll(async () => {
  // The guarded service is "content": tokens must be addressed to it.
  const binding = implement(USER_DATA, { exportUserData: async () => ({ service: 'content', json: '{}' }) }, logger);
  server = new GrpcServer([binding], { guard: new ServiceCallGuard('content', peers, policy, logger) });
  address = `127.0.0.1:${await server.listen('127.0.0.1', 0)}`;
  server.setServing(true);
});
afterAll(() => server.stop(1000));

/** Calls ExportUserData with `token` (or none) as the bearer. */
async function callWith(token: string | undefined) {
  const caller: CallerIdentity = { name: 'raw', tokenFor: async () => token ?? '' };
  const client = createClient(USER_DATA, address, { deadlineMs: 2000, target: 'content', identity: caller });
  try {
    return await client.exportUserData({ userId: 'usr_1' });
  } finally {
    client.close();
  }
}

function sign(
  key: string,
  claims: { iss?: string; aud?: string; iat?: number; exp?: number },
  kid = claims.iss ?? 'user',
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const { iss = 'user', aud = 'content', iat = now, exp = now + 300 } = claims;
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', kid })
    .setIssuer(iss)
    .setAudience(aud)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(createPrivateKey(key));
}

const UNAUTHENTICATED = { code: grpc.status.UNAUTHENTICATED };

describe('internal gRPC authentication (deny by default)', () => {
  it('lets an allowed caller through with the token its client attaches', async () => {
    const client = createClient(USER_DATA, address, {
      deadlineMs: 2000,
      target: 'content',
      identity: identity('user'),
    });
    try {
      expect(await client.exportUserData({ userId: 'usr_1' })).toEqual({ service: 'content', json: '{}' });
    } finally {
      client.close();
    }
  });

  it('refuses a call without a token, with garbage, or with a token forged by an unknown key', async () => {
    await expect(callWith(undefined)).rejects.toMatchObject(UNAUTHENTICATED);
    await expect(callWith('not.a.token')).rejects.toMatchObject(UNAUTHENTICATED);
    await expect(callWith(await sign(stranger.privateKeyPem, {}))).rejects.toMatchObject(UNAUTHENTICATED);
    // Signed by a known peer but claiming to be another one.
    await expect(callWith(await sign(pairs.event.privateKeyPem, { iss: 'user' }, 'event'))).rejects.toMatchObject(
      UNAUTHENTICATED,
    );
  });

  it('refuses expired, long-lived and misaddressed tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    const key = pairs.user.privateKeyPem;
    await expect(callWith(await sign(key, { iat: now - 400, exp: now - 60 }))).rejects.toMatchObject(UNAUTHENTICATED);
    await expect(callWith(await sign(key, { exp: now + 3600 }))).rejects.toMatchObject(UNAUTHENTICATED);
    await expect(callWith(await sign(key, { aud: 'event' }))).rejects.toMatchObject(UNAUTHENTICATED);
  });

  it('refuses a known service the access policy does not list for the method', async () => {
    const client = createClient(USER_DATA, address, {
      deadlineMs: 2000,
      target: 'content',
      identity: identity('event'),
    });
    try {
      await expect(client.exportUserData({ userId: 'usr_1' })).rejects.toMatchObject({
        code: grpc.status.PERMISSION_DENIED,
      });
    } finally {
      client.close();
    }
  });

  it('keeps the gRPC health service open for probes', async () => {
    const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
    const health = new Health(address, grpc.credentials.createInsecure()) as unknown as {
      check(request: object, callback: (error: Error | null, response: { status: string }) => void): void;
      close(): void;
    };
    const answer = await new Promise<{ status: string }>((resolve, reject) =>
      health.check({ service: '' }, (error, response) => (error ? reject(error) : resolve(response))),
    );
    health.close();
    expect(answer.status).toBe('SERVING');
  });
});

describe('ServiceIdentity', () => {
  it('reuses its token per callee and signs a new one before the old one expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const user = identity('user');
      const first = await user.tokenFor('content');
      expect(await user.tokenFor('content')).toBe(first);
      expect(await user.tokenFor('event')).not.toBe(first);
      vi.setSystemTime(Date.now() + 250_000);
      const renewed = await user.tokenFor('content');
      expect(renewed).not.toBe(first);
      const payload = JSON.parse(Buffer.from(renewed.split('.')[1]!, 'base64url').toString());
      expect(payload).toMatchObject({ iss: 'user', aud: 'content' });
      expect(payload.exp - payload.iat).toBeLessThanOrEqual(300);
    } finally {
      vi.useRealTimers();
    }
  });

  it('is what clients created inside runAsService sign with; outside any service there is none', async () => {
    const client = runAsService(identity('user'), () =>
      createClient(USER_DATA, address, { deadlineMs: 2000, target: 'content' }),
    );
    try {
      expect((await client.exportUserData({ userId: 'usr_1' })).service).toBe('content');
    } finally {
      client.close();
    }
    setDefaultCallerIdentity(undefined);
    expect(() => createClient(USER_DATA, address, { deadlineMs: 2000 })).toThrow(/outside a service/);
  });
});

describe('proto/access.yaml', () => {
  it('lists exactly the methods the protos declare', () => {
    const declared: string[] = [];
    for (const area of readdirSync(PROTO_ROOT, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
      for (const file of readdirSync(join(PROTO_ROOT, area.name, 'v1')).filter((name) => name.endsWith('.proto'))) {
        const definition = protoLoader.loadSync(join(area.name, 'v1', file), { includeDirs: [PROTO_ROOT] });
        for (const [name, entry] of Object.entries(definition)) {
          if (!('format' in entry))
            for (const method of Object.values(entry as protoLoader.ServiceDefinition))
              declared.push(`${name}/${method.path.split('/')[2]}`);
        }
      }
    }
    expect(AccessPolicy.load().methods().sort()).toEqual([...new Set(declared)].sort());
  });

  it('refuses a malformed policy', () => {
    expect(() => AccessPolicy.parse('diaspora.user.v1.UserService:\n  GetUser: event\n')).toThrow(/service names/);
    expect(() => AccessPolicy.parse('- a\n')).toThrow(/map/);
  });
});
