import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventData, EventDefinition, EventEnvelope } from '@diaspora/events';
import { buildEnvelope, encodeEnvelope, newId } from '@diaspora/service-kit';
import { type FakeUser, issueTestToken, startFakeUserService, startTestService } from '@diaspora/testing';
import { contentService } from '../src/app.js';

export type ContentTestService = Awaited<ReturnType<typeof startTestService<typeof contentService.config>>>;

export interface Member {
  id: string;
  token: string;
  user: FakeUser;
}

/** A member of the fake user service, with an access token (tier/roles/scope as given). */
export function member(
  overrides: Partial<FakeUser> = {},
  claims: { roles?: string[]; tier?: 'free' | 'premium'; country?: string; city?: string } = {},
): Member {
  const id = overrides.id ?? newId('usr');
  const user: FakeUser = {
    id,
    displayName: `Member ${id.slice(-5)}`,
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    languages: ['fr', 'en'],
    domains: [],
    // The user service holds the appointments the token claims (moderation asks it, see LiveRoles).
    roles: (claims.roles ?? ['regular']) as FakeUser['roles'],
    assignments: (claims.roles ?? []).flatMap((role) =>
      role === 'ambassador' || role === 'consul'
        ? [{ role, country: claims.country ?? '', city: role === 'consul' ? (claims.city ?? '') : '' }]
        : [],
    ),
    tier: claims.tier ?? 'free',
    createdAt: new Date().toISOString(),
    followers: [],
    following: [],
    connections: [],
    ...overrides,
  };
  const token = issueTestToken({
    sub: id,
    roles: (claims.roles ?? ['regular']) as never,
    tier: claims.tier ?? 'free',
    ...(claims.country ? { country: claims.country } : {}),
    ...(claims.city ? { city: claims.city } : {}),
  });
  return { id, token, user };
}

/** The content service on a fresh database, talking to a fake user service holding `members`. */
export async function startContent(members: Member[] = [], env: Record<string, string> = {}) {
  const users = await startFakeUserService(members.map((m) => m.user));
  const dataDir = mkdtempSync(join(tmpdir(), 'content-test-'));
  chmodSync(dataDir, 0o755);
  const service = await startTestService(contentService, {
    env: { DATA_DIR: dataDir, USER_GRPC_ADDR: users.address, ...env },
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

export const bearer = (who: Member) => ({ authorization: `Bearer ${who.token}` });

/** Publishes a domain event on the service's bus as its producer would. */
export async function publish<D extends EventDefinition>(
  service: ContentTestService,
  definition: D,
  data: EventData<D>,
  options: { source?: string; occurredAt?: Date } = {},
): Promise<EventEnvelope> {
  const envelope = buildEnvelope(
    options.source ?? 'user',
    definition,
    data,
    options.occurredAt ? { occurredAt: options.occurredAt } : {},
  );
  await service.context.bus.publish({ id: envelope.id, subject: envelope.subject, data: encodeEnvelope(envelope) });
  return envelope;
}
