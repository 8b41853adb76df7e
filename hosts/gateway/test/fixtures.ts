import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, MemoryCache } from '@diaspora/service-kit';
import { testSigningKey } from '@diaspora/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import { createGateway } from '../src/gateway.js';

export const KONG_YAML = `
_format_version: "3.0"
services:
  - name: echo-service
    url: http://echo.internal:8080
    routes:
      - name: public
        paths: [/api/v1/echo/public]
        strip_path: false
        plugins:
          - name: rate-limiting
            config: { minute: 3, policy: local, limit_by: ip }
      - name: small
        paths: [/api/v1/echo/small]
        strip_path: false
        plugins:
          - name: request-size-limiting
            config: { allowed_payload_size: 1, size_unit: kilobytes }
      - name: private
        paths: [/api/v1/echo]
        strip_path: false
        plugins:
          - name: jwt
            config: { key_claim_name: iss, claims_to_verify: [exp], header_names: [authorization], uri_param_names: [] }
      - name: stripped
        paths: [/strip]
      - name: socket
        paths: [/ws]
        strip_path: false
        plugins:
          - name: jwt
            config: { claims_to_verify: [exp], uri_param_names: [token] }
  - name: down-service
    url: http://127.0.0.1:9
    routes:
      - name: down
        paths: [/api/v1/down]
        strip_path: false
consumers:
  - username: diaspora-user-service
    custom_id: user-service
    jwt_secrets:
      - key: diaspora-users
        algorithm: RS256
        rsa_public_key: \${JWT_PUBLIC_KEY}
plugins:
  - name: prometheus
    config: { status_code_metrics: true }
  - name: opentelemetry
    config: { traces_endpoint: http://otel-collector:4318/v1/traces }
  - name: correlation-id
    config: { header_name: X-Request-ID, generator: uuid, echo_downstream: true }
  - name: cors
    config:
      origins: [https://app.example]
      methods: [GET, POST]
      headers: [Authorization, Content-Type]
      exposed_headers: [X-Request-ID]
      max_age: 600
  - name: request-size-limiting
    config: { allowed_payload_size: 64, size_unit: kilobytes }
  - name: rate-limiting
    config: { minute: 1000, policy: local, limit_by: ip }
`;

export function writeKongConfig(yaml = KONG_YAML): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kong-')), 'kong.yml');
  writeFileSync(path, yaml);
  return path;
}

/** An upstream that reports what it received, serves an OpenAPI document and echoes WebSocket messages. */
export async function startEchoUpstream(): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.all('/*', async (request) => ({
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: request.body ?? null,
  }));
  app.get('/openapi.json', async () => ({
    openapi: '3.1.0',
    paths: { '/api/v1/echo/public': { get: { summary: 'echo' } } },
    tags: [{ name: 'echo' }],
  }));
  const sockets = new WebSocketServer({ noServer: true });
  app.server.on('upgrade', (request, socket, head) => {
    sockets.handleUpgrade(request, socket, head, (ws) => {
      ws.send(JSON.stringify({ hello: request.url, requestId: request.headers['x-request-id'] }));
      ws.on('message', (data) => ws.send(`echo:${data}`));
    });
  });
  app.addHook('onClose', async () => sockets.close());
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

export async function startGateway(
  upstreamUrl: string,
  yaml?: string,
  options: { onlyListedUpstreams?: boolean; trustedProxies?: string[]; hstsMaxAgeSeconds?: number } = {},
) {
  const gateway = await createGateway({
    ...options,
    kongConfigPath: writeKongConfig(yaml),
    env: { JWT_PUBLIC_KEY: testSigningKey().publicKeyPem },
    upstreams: { 'echo-service': upstreamUrl },
    cache: new MemoryCache(),
    logger: createLogger({ service: 'gateway', level: 'silent' }),
  });
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  return { gateway, url };
}
