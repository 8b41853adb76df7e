import {
  type AccessClaims,
  bearerSecurity,
  callerOf,
  type Database,
  type HttpApp,
  idempotent,
  Problem,
  problemResponses,
  type RateLimiter,
} from '@diaspora/service-kit';
import { Type } from 'typebox';
import type { InboundApi, KeyPrincipal } from '../domain/inbound.js';
import {
  CreatedKey,
  ImportedEvent,
  InboundEventBody,
  InboundRegistrationBody,
  InboundRegistrationView,
  idempotencyHeader,
  KeyBody,
  KeyList,
  KeyParams,
  OrganizationBody,
  OrganizationList,
  OrganizationParam,
  OrganizationView,
} from './inbound-schemas.js';

const BASE = '/api/v1/integrations';
/** What the key check reads and sets on a request (fastify's request, named structurally). */
interface KeyedRequest {
  headers: Record<string, string | string[] | undefined>;
  auth: AccessClaims | null;
}
const principals = new WeakMap<KeyedRequest, KeyPrincipal>();

function presentedKey(request: KeyedRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('ApiKey ')) return header.slice('ApiKey '.length).trim();
  const direct = request.headers['x-api-key'];
  return typeof direct === 'string' ? direct.trim() : undefined;
}

/** Organizations and their keys (super users), and the inbound API external databases call with a key. */
export async function inboundRoutes(
  app: HttpApp,
  deps: { inbound: InboundApi; limiter: RateLimiter; db: Database },
): Promise<void> {
  const { inbound, limiter } = deps;
  const superOnly = app.requireRole('super');
  const tags = ['inbound'];

  app.post(
    `${BASE}/organizations`,
    {
      onRequest: superOnly,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Register an organization (an external database that may call the inbound API)',
        body: OrganizationBody,
        response: { 201: OrganizationView, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await inbound.createOrganization(request.body.name, callerOf(request).sub)),
  );

  app.get(
    `${BASE}/organizations`,
    {
      onRequest: superOnly,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Organizations',
        response: { 200: OrganizationList, ...problemResponses(401, 403) },
      },
    },
    async () => ({ items: await inbound.organizations() }),
  );

  app.post(
    `${BASE}/organizations/:id/keys`,
    {
      onRequest: superOnly,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Give the organization an API key (shown once)',
        description:
          'Scopes: `registrations:write` (POST /inbound/registrations), `events:import` (POST /inbound/events).',
        params: OrganizationParam,
        body: KeyBody,
        response: { 201: CreatedKey, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await inbound.createKey(request.params.id, request.body, callerOf(request).sub)),
  );

  app.get(
    `${BASE}/organizations/:id/keys`,
    {
      onRequest: superOnly,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'The organization’s keys (without the keys themselves)',
        params: OrganizationParam,
        response: { 200: KeyList, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ items: await inbound.keys(request.params.id) }),
  );

  app.delete(
    `${BASE}/organizations/:id/keys/:keyId`,
    {
      onRequest: superOnly,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Revoke a key (refused from then on)',
        params: KeyParams,
        response: { 204: Type.Null({ description: 'Revoked' }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await inbound.revokeKey(request.params.id, request.params.keyId);
      return reply.code(204).send(null);
    },
  );

  /** Key check, then the key's rate limit; the organization is the idempotency principal. */
  const withKey = async (request: KeyedRequest) => {
    const presented = presentedKey(request);
    if (!presented)
      throw new Problem(401, {
        detail: 'Present the API key as "Authorization: ApiKey <key>" or "X-Api-Key".',
        headers: { 'www-authenticate': 'ApiKey' },
      });
    const principal = await inbound.authenticate(presented);
    const decision = await limiter.hit(principal.keyId);
    if (!decision.allowed)
      throw new Problem(429, {
        detail: 'This API key has made too many requests; retry later.',
        headers: { 'retry-after': String(Math.ceil(decision.resetMs / 1000)) },
      });
    principals.set(request, principal);
    request.auth = { sub: `org:${principal.organizationId}`, roles: [], tier: 'free', iat: 0, exp: 0, jti: '' };
  };
  const principalOf = (request: KeyedRequest) => principals.get(request)!;
  const retrySafe = idempotent(deps.db);

  app.post(
    `${BASE}/inbound/registrations`,
    {
      onRequest: withKey,
      ...retrySafe,
      schema: {
        tags,
        summary: 'Register a member for an event on the organization’s behalf',
        description:
          'Authenticated by an organization’s key (`Authorization: ApiKey <key>` or `X-Api-Key`), scope ' +
          '`registrations:write`. The rules of POST /events/{id}/registrations apply (seats, waitlist, ' +
          'premium holds; 409 when already registered). Accepts Idempotency-Key.',
        headers: idempotencyHeader,
        body: InboundRegistrationBody,
        response: { 201: InboundRegistrationView, ...problemResponses(400, 401, 403, 404, 409, 422, 429, 503) },
      },
    },
    async (request, reply) => reply.code(201).send(await inbound.register(principalOf(request), request.body)),
  );

  app.post(
    `${BASE}/inbound/events`,
    {
      onRequest: withKey,
      ...retrySafe,
      schema: {
        tags,
        summary: 'Import an event as a draft',
        description:
          'Authenticated by an organization’s key (`Authorization: ApiKey <key>` or `X-Api-Key`), scope ' +
          '`events:import`. The organizer it names must be allowed to create such an event (POST /events ' +
          'rules); they publish the draft. Accepts Idempotency-Key.',
        headers: idempotencyHeader,
        body: InboundEventBody,
        response: { 201: ImportedEvent, ...problemResponses(400, 401, 403, 404, 409, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { online, ...fields } = request.body;
      return reply
        .code(201)
        .send(
          await inbound.importEvent(principalOf(request), { ...fields, ...(online ? { onlineUrl: online.url } : {}) }),
        );
    },
  );
}
