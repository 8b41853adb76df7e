import { createHash, randomBytes } from 'node:crypto';
import { newId, Problem, problems } from '@diaspora/service-kit';

/** What an organization's key may do. */
export const SCOPES = ['registrations:write', 'events:import'] as const;
export type ApiScope = (typeof SCOPES)[number];

export interface Organization {
  id: string;
  name: string;
  createdBy: string;
  createdAt: Date;
}

export interface ApiKey {
  id: string;
  organizationId: string;
  name: string;
  /** SHA-256 (hex) of the whole key: the key itself is shown once and never stored. */
  hash: string;
  /** The first characters, so operators can tell keys apart. */
  prefix: string;
  scopes: ApiScope[];
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface OrganizationStore {
  createOrganization(organization: Organization): Promise<void>;
  organizations(): Promise<Organization[]>;
  organization(id: string): Promise<Organization | undefined>;
  createKey(key: ApiKey): Promise<void>;
  keys(organizationId: string): Promise<ApiKey[]>;
  keyByHash(hash: string): Promise<ApiKey | undefined>;
  /** Marks the key revoked (once); false when the organization has no such key. */
  revokeKey(organizationId: string, keyId: string, at: Date): Promise<boolean>;
  touchKey(keyId: string, at: Date): Promise<void>;
}

/** The event service's writes on behalf of members (its gRPC), errors as Problems. */
export interface EventWriter {
  registerMember(input: { eventId: string; userId: string; organizationId: string }): Promise<InboundRegistration>;
  importDraft(input: DraftEventInput & { organizationId: string }): Promise<ImportedDraft>;
}

export interface ImportedDraft {
  id: string;
  title: string;
  status: string;
  startsAt: string;
  endsAt: string;
  organizerId: string;
  capacity: number;
}

export interface InboundRegistration {
  id: string;
  eventId: string;
  userId: string;
  status: string;
  waitlistPosition?: number;
  holdExpiresAt?: string;
  createdAt: string;
}

export interface DraftEventInput {
  organizerId: string;
  title: string;
  description: string;
  domain: string;
  type: string;
  startsAt: string;
  endsAt: string;
  timezone: string;
  venue?: { name: string; address: string; city: string; country: string; lat: number; lon: number };
  onlineUrl?: string;
  capacity: number;
  languages: string[];
  priceCents?: number;
  currency?: string;
}

export interface KeyPrincipal {
  organizationId: string;
  keyId: string;
  scopes: ApiScope[];
}

const KEY_PREFIX = 'dik_';
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export const organizationView = (o: Organization) => ({
  id: o.id,
  name: o.name,
  createdAt: o.createdAt.toISOString(),
});

export const keyView = (key: ApiKey) => ({
  id: key.id,
  organizationId: key.organizationId,
  name: key.name,
  prefix: key.prefix,
  scopes: key.scopes,
  createdAt: key.createdAt.toISOString(),
  ...(key.revokedAt ? { revokedAt: key.revokedAt.toISOString() } : {}),
  ...(key.lastUsedAt ? { lastUsedAt: key.lastUsedAt.toISOString() } : {}),
});

/**
 * The inbound API for external databases: super users register organizations and give them scoped API keys; a key
 * pushes members' registrations or imports draft events through the event service, under its domain rules.
 */
export class InboundApi {
  constructor(
    private readonly deps: {
      store: OrganizationStore;
      events: EventWriter | undefined;
      clock: () => Date;
    },
  ) {}

  async createOrganization(name: string, createdBy: string) {
    const organization = { id: newId('org'), name: name.trim(), createdBy, createdAt: this.deps.clock() };
    if (!organization.name) throw problems.validation([{ field: 'name', message: 'must not be blank' }]);
    await this.deps.store.createOrganization(organization);
    return organizationView(organization);
  }

  async organizations() {
    return (await this.deps.store.organizations()).map(organizationView);
  }

  private async organization(id: string) {
    const organization = await this.deps.store.organization(id);
    if (!organization) throw problems.notFound('organization');
    return organization;
  }

  /** A new key, answered once in full; only its hash is kept. */
  async createKey(organizationId: string, input: { name: string; scopes: ApiScope[] }, createdBy: string) {
    await this.organization(organizationId);
    const secret = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const key: ApiKey = {
      id: newId('key'),
      organizationId,
      name: input.name.trim(),
      hash: hashKey(secret),
      prefix: secret.slice(0, 10),
      scopes: [...new Set(input.scopes)],
      createdBy,
      createdAt: this.deps.clock(),
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.deps.store.createKey(key);
    return { ...keyView(key), key: secret };
  }

  async keys(organizationId: string) {
    await this.organization(organizationId);
    return (await this.deps.store.keys(organizationId)).map(keyView);
  }

  async revokeKey(organizationId: string, keyId: string) {
    if (!(await this.deps.store.revokeKey(organizationId, keyId, this.deps.clock()))) throw problems.notFound('key');
  }

  /** The organization and scopes of a presented key; 401 for an unknown or revoked one. */
  async authenticate(presented: string): Promise<KeyPrincipal> {
    const key = presented.startsWith(KEY_PREFIX) ? await this.deps.store.keyByHash(hashKey(presented)) : undefined;
    if (!key || key.revokedAt)
      throw new Problem(401, {
        type: 'invalid-api-key',
        detail: 'The API key is unknown or revoked.',
        headers: { 'www-authenticate': 'ApiKey' },
      });
    await this.deps.store.touchKey(key.id, this.deps.clock());
    return { organizationId: key.organizationId, keyId: key.id, scopes: key.scopes };
  }

  private writer(principal: KeyPrincipal, scope: ApiScope): EventWriter {
    if (!principal.scopes.includes(scope))
      throw new Problem(403, { type: 'insufficient-scope', detail: `This API key lacks the ${scope} scope.` });
    if (!this.deps.events) throw new Problem(503, { detail: 'The event service is not configured.' });
    return this.deps.events;
  }

  async register(principal: KeyPrincipal, input: { eventId: string; userId: string }) {
    return this.writer(principal, 'registrations:write').registerMember({
      ...input,
      organizationId: principal.organizationId,
    });
  }

  async importEvent(principal: KeyPrincipal, input: DraftEventInput) {
    return this.writer(principal, 'events:import').importDraft({ ...input, organizationId: principal.organizationId });
  }
}
