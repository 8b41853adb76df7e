import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServiceKeyPair, StaticPeerKeys, servicePeerJwks } from '../../src/auth/service-keys.js';
import { ConfigError } from '../../src/config.js';
import { AccessPolicy } from '../../src/grpc/access.js';
import { createClient, implement, type ServiceDescriptor } from '../../src/grpc/protos.js';
import { GrpcServer } from '../../src/grpc/server.js';
import { ServiceCallGuard, ServiceIdentity } from '../../src/grpc/service-auth.js';
import { grpcTls } from '../../src/grpc/tls.js';
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
const dir = mkdtempSync(join(tmpdir(), 'grpc-tls-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A certificate for `name` signed by `ca` (also valid for localhost, where the test dials). */
function issue(ca: string, name: string) {
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-subj',
    `/CN=${name}`,
    '-out',
    `${name}.csr`,
  );
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=DNS:${name},DNS:localhost\n`);
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  );
  return {
    GRPC_TLS_CERT: readFileSync(join(dir, `${name}.pem`), 'utf8'),
    GRPC_TLS_KEY: readFileSync(join(dir, `${name}.key`), 'utf8'),
    GRPC_TLS_CA: readFileSync(join(dir, `${ca}.pem`), 'utf8'),
  };
}
function authority(name: string) {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-subj',
    `/CN=${name}`,
    '-days',
    '1',
    '-out',
    `${name}.pem`,
  );
}

const pairs = { user: generateServiceKeyPair() };
const peers = StaticPeerKeys.fromJwks(servicePeerJwks({ user: pairs.user.publicKeyPem }));
const policy = AccessPolicy.parse('diaspora.common.v1.UserData:\n  ExportUserData: [user]\n');

let server: GrpcServer;
let address: string;
let callerTls: ReturnType<typeof issue>;
let outsiderTls: ReturnType<typeof issue>;
beforeAll(async () => {
  authority('platform-ca');
  authority('other-ca');
  const serverTls = grpcTls(issue('platform-ca', 'content-service'), 'content');
  callerTls = issue('platform-ca', 'user-service');
  outsiderTls = issue('other-ca', 'user-service');
  const binding = implement(USER_DATA, { exportUserData: async () => ({ service: 'content', json: '{}' }) }, logger);
  server = new GrpcServer([binding], {
    guard: new ServiceCallGuard('content', peers, policy, logger),
    credentials: serverTls!.server,
  });
  address = `localhost:${await server.listen('127.0.0.1', 0)}`;
  server.setServing(true);
});
afterAll(async () => {
  await server.stop(1000);
  rmSync(dir, { recursive: true, force: true });
});

async function call(channelCredentials: grpc.ChannelCredentials | undefined) {
  const identity = new ServiceIdentity('user', createPrivateKey(pairs.user.privateKeyPem), channelCredentials);
  const client = createClient(USER_DATA, address, { deadlineMs: 3000, target: 'content', identity });
  try {
    return await client.exportUserData({ userId: 'usr_1' });
  } finally {
    client.close();
  }
}

describe('gRPC mutual TLS (GRPC_TLS_*)', () => {
  it('a caller with a certificate of the platform CA gets through, still checked by its service token', async () => {
    await expect(call(grpcTls(callerTls, 'user')!.client)).resolves.toEqual({ service: 'content', json: '{}' });
  });

  it('refuses plain-text callers', async () => {
    await expect(call(undefined)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });

  it('refuses a client certificate of another CA', async () => {
    const foreignCertificate = { ...outsiderTls, GRPC_TLS_CA: callerTls.GRPC_TLS_CA };
    await expect(call(grpcTls(foreignCertificate, 'user')!.client)).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
    });
  });

  it('refuses a server its CA did not sign', async () => {
    const otherTrust = { ...callerTls, GRPC_TLS_CA: outsiderTls.GRPC_TLS_CA };
    await expect(call(grpcTls(otherTrust, 'user')!.client)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });

  it('is off without settings and stops boot when only some are set', () => {
    expect(grpcTls({}, 'user')).toBeUndefined();
    expect(() => grpcTls({ GRPC_TLS_CERT: callerTls.GRPC_TLS_CERT }, 'user')).toThrow(ConfigError);
    expect(() => grpcTls({ GRPC_TLS_CERT: callerTls.GRPC_TLS_CERT }, 'user')).toThrow(
      /GRPC_TLS_KEY: is required with GRPC_TLS_CERT/,
    );
  });
});
