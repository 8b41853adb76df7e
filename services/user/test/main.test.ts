import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freePort, freshDatabase, startServiceProcess, testSigningKey } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registration } from './fixtures.js';

// The distributed-mode entry point, as a real process: config from env (a key from a _FILE), migrations,
// JSON logs, OpenTelemetry export, and a SIGTERM that lets in-flight requests finish.
const main = join(import.meta.dirname, '../dist/main.js');

let collector: Server;
const spans: { service: string; names: string[] }[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const payload = JSON.parse(body.toString()) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: { stringValue: string } }[] };
          scopeSpans: { spans: { name: string }[] }[];
        }[];
      };
      for (const resourceSpan of payload.resourceSpans) {
        const service = resourceSpan.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        spans.push({
          service,
          names: resourceSpan.scopeSpans.flatMap((scope) => scope.spans.map((span) => span.name)),
        });
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const keyFile = join(mkdtempSync(join(tmpdir(), 'user-key-')), 'jwt.pem');
  writeFileSync(keyFile, testSigningKey().privateKeyPem);
  env = {
    PATH: process.env.PATH ?? '',
    HOST: '127.0.0.1',
    HTTP_PORT: String(await freePort()),
    GRPC_PORT: String(await freePort()),
    DATABASE_URL: await freshDatabase(),
    BUS_URL: 'memory://',
    CACHE_URL: 'memory://',
    JWT_PRIVATE_KEY_FILE: keyFile,
    BCRYPT_COST: '12',
    // No CURSOR_SECRET: the kit generates one under DATA_DIR, as a real deployment without the variable does.
    DATA_DIR: mkdtempSync(join(tmpdir(), 'user-data-')),
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as { port: number }).port}`,
  };
});
afterAll(() => new Promise((resolve) => collector?.close(resolve)));

describe('node services/user/dist/main.js', () => {
  it('stops with a clear message naming the bad variable', () => {
    const result = spawnSync(process.execPath, [main], { env: { ...env, HTTP_PORT: 'eighty' }, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/HTTP_PORT: .*"eighty"/);
  });

  it('migrate up applies the migrations and exits', () => {
    const result = spawnSync(process.execPath, [main, 'migrate', 'up'], { env, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('0001_users_and_sessions');
  });

  it('serves, logs JSON without secrets, exports traces, and drains in-flight requests on SIGTERM', async () => {
    const base = `http://127.0.0.1:${env.HTTP_PORT}`;
    // stdout is buffered by the pipe until read, so no line before readiness is lost.
    const { child, exited } = await startServiceProcess(main, env, `${base}/health/ready`, { stdout: 'pipe' });
    let stdout = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
    });

    const member = registration();
    const registered = await fetch(`${base}/api/v1/users/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-1' },
      body: JSON.stringify(member),
    });
    expect(registered.status).toBe(201);

    // bcrypt at cost 12 keeps this login in flight while the signal arrives.
    const login = fetch(`${base}/api/v1/users/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: member.email, password: member.password }),
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    child.kill('SIGTERM');
    expect((await login).status).toBe(200);
    expect(await exited).toBe(0);

    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => line.requestId === 'trace-me-1')).toMatchObject({ service: 'user', statusCode: 201 });
    expect(stdout).not.toContain(member.password);
    expect(stdout).not.toContain(member.email);
    expect(lines.some((line) => line.msg === 'shutting down')).toBe(true);

    const exported = spans.filter((batch) => batch.service === 'user-service').flatMap((batch) => batch.names);
    expect(exported.some((name) => /POST/.test(name))).toBe(true);
  });
});
