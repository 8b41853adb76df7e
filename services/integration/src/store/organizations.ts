import type { Database, Row } from '@diaspora/service-kit';
import type { ApiKey, ApiScope, Organization, OrganizationStore } from '../domain/inbound.js';

interface KeyRow extends Row {
  id: string;
  organization_id: string;
  name: string;
  hash: string;
  prefix: string;
  scopes: string[];
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const toKey = (row: KeyRow): ApiKey => ({
  id: row.id,
  organizationId: row.organization_id,
  name: row.name,
  hash: row.hash,
  prefix: row.prefix,
  scopes: row.scopes as ApiScope[],
  createdBy: row.created_by,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
  lastUsedAt: row.last_used_at,
});

interface OrganizationRow extends Row {
  id: string;
  name: string;
  created_by: string;
  created_at: Date;
}

const toOrganization = (row: OrganizationRow): Organization => ({
  id: row.id,
  name: row.name,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

/**
 * Organizations and their API keys live in this service's PostgreSQL whatever INTEGRATION_STORE says: every inbound
 * call looks its key up, beside the idempotency keys it is replayed with.
 */
export class PostgresOrganizationStore implements OrganizationStore {
  constructor(private readonly db: Database) {}

  async createOrganization(o: Organization): Promise<void> {
    await this.db.query(
      'INSERT INTO inbound_organizations (id, name, created_by, created_at) VALUES ($1, $2, $3, $4)',
      [o.id, o.name, o.createdBy, o.createdAt],
    );
  }

  async organizations(): Promise<Organization[]> {
    const { rows } = await this.db.query<OrganizationRow>(
      'SELECT * FROM inbound_organizations ORDER BY created_at, id LIMIT 1000',
    );
    return rows.map(toOrganization);
  }

  async organization(id: string): Promise<Organization | undefined> {
    const { rows } = await this.db.query<OrganizationRow>('SELECT * FROM inbound_organizations WHERE id = $1', [id]);
    return rows[0] ? toOrganization(rows[0]) : undefined;
  }

  async createKey(key: ApiKey): Promise<void> {
    await this.db.query(
      `INSERT INTO inbound_api_keys (id, organization_id, name, hash, prefix, scopes, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [key.id, key.organizationId, key.name, key.hash, key.prefix, key.scopes, key.createdBy, key.createdAt],
    );
  }

  async keys(organizationId: string): Promise<ApiKey[]> {
    const { rows } = await this.db.query<KeyRow>(
      'SELECT * FROM inbound_api_keys WHERE organization_id = $1 ORDER BY created_at, id',
      [organizationId],
    );
    return rows.map(toKey);
  }

  async keyByHash(hash: string): Promise<ApiKey | undefined> {
    const { rows } = await this.db.query<KeyRow>('SELECT * FROM inbound_api_keys WHERE hash = $1', [hash]);
    return rows[0] ? toKey(rows[0]) : undefined;
  }

  async revokeKey(organizationId: string, keyId: string, at: Date): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE inbound_api_keys SET revoked_at = COALESCE(revoked_at, $3) WHERE id = $1 AND organization_id = $2`,
      [keyId, organizationId, at],
    );
    return (rowCount ?? 0) > 0;
  }

  async touchKey(keyId: string, at: Date): Promise<void> {
    // At most once a minute per key: a busy key should not turn every call into a write.
    await this.db.query(
      `UPDATE inbound_api_keys SET last_used_at = $2
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
      [keyId, at],
    );
  }
}
