import { readFileSync } from 'node:fs';
import { type Static, type TObject, type TProperties, type TSchema, Type } from 'typebox';
import { Value } from 'typebox/value';

/** Raised at boot when the environment does not satisfy a service's config schema. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const SENSITIVE = /(KEY|SECRET|PASSWORD|TOKEN|URL|DSN)/;

/** Config every service shares. Adapters are chosen here, by URL scheme, never by NODE_ENV. */
export const baseConfig = {
  HOST: Type.String({ default: '0.0.0.0' }),
  HTTP_PORT: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
  GRPC_PORT: Type.Integer({ default: 9090, minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  DATABASE_POOL_MAX: Type.Integer({ default: 10, minimum: 1, maximum: 200 }),
  /** How long a request waits for a pooled connection before it is answered 503. */
  DATABASE_CONNECT_TIMEOUT_MS: Type.Integer({ default: 3000, minimum: 100, maximum: 60_000 }),
  /** PostgreSQL cancels statements running longer than this (statement_timeout). */
  DATABASE_STATEMENT_TIMEOUT_MS: Type.Integer({ default: 5000, minimum: 100, maximum: 600_000 }),
  /** Client-side bound on any query, for a database that cannot even cancel (frozen, unreachable). */
  DATABASE_QUERY_TIMEOUT_MS: Type.Integer({ default: 6000, minimum: 100, maximum: 600_000 }),
  BUS_URL: Type.String({ pattern: '^(memory|nats)://', description: 'memory://[name] or nats://host:port' }),
  CACHE_URL: Type.String({ pattern: '^(memory|redis|rediss)://', description: 'memory://[name] or redis://host:port' }),
  AUTH_JWKS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  AUTH_ISSUER: Type.String({ default: 'diaspora-users' }),
  AUTH_AUDIENCE: Type.String({ default: 'diaspora' }),
  /**
   * Proxies whose X-Forwarded-For hops are believed (addresses or CIDRs; `loopback`, `uniquelocal` too): the gateway
   * in all-in-one, Kong/the load balancer ranges in Kubernetes. Empty: the peer address is the client.
   */
  TRUSTED_PROXIES: Type.Array(
    Type.String({ pattern: '^(loopback|linklocal|uniquelocal|[0-9A-Fa-f.:]+(/[0-9]{1,3})?)$' }),
    {
      default: [],
    },
  ),
  /** Where people reach the API (the gateway): the base of links in mail, calendars and feeds. */
  PUBLIC_BASE_URL: Type.String({ default: 'http://localhost:8000', pattern: '^https?://[^\\s/]+(/\\S*[^\\s/])?$' }),
  HTTP_BODY_LIMIT_BYTES: Type.Integer({ default: 1_048_576, minimum: 1024 }),
  GRPC_DEADLINE_MS: Type.Integer({ default: 2000, minimum: 50 }),
  MIGRATE_ON_BOOT: Type.Boolean({ default: true }),
  /** HMAC secret of page cursors (at least 32 characters); generated under DATA_DIR when absent. */
  CURSOR_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  /** This service's Ed25519 private key (PEM) signing its internal gRPC calls; generated under DATA_DIR when absent. */
  SERVICE_PRIVATE_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /** JWKS of the public keys of the services that may call this one (`kid` = service name); DATA_DIR otherwise. */
  SERVICE_PEER_KEYS: Type.Optional(Type.String({ minLength: 1 })),
  /** Mutual TLS of internal gRPC (PEMs; all three or none): where no service mesh encrypts pod-to-pod traffic. */
  GRPC_TLS_CERT: Type.Optional(Type.String({ minLength: 1 })),
  GRPC_TLS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  GRPC_TLS_CA: Type.Optional(Type.String({ minLength: 1 })),
  /** Local files of the all-in-one host (media, generated secrets); unset in distributed mode. */
  DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  OUTBOX_POLL_MS: Type.Integer({ default: 1000, minimum: 10 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100 }),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
} satisfies TProperties;

export type BaseConfig = Static<TObject<typeof baseConfig>>;

export type Env = Record<string, string | undefined>;

/** Turns env strings into the shapes the schema asks for; typebox's Convert does numbers and booleans. */
function fromEnvString(schema: TSchema, value: string): unknown {
  const type = (schema as { type?: string }).type;
  if (type === 'array')
    return value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  if (type === 'object') {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

/**
 * Reads exactly the variables the schema declares, applies defaults, coerces types and validates once.
 * A bad or missing value stops boot with a message naming each offending variable.
 */
export function loadConfig<T extends TObject>(schema: T, env: Env, label = 'service'): Static<T> {
  const raw: Record<string, unknown> = {};
  const unreadable: string[] = [];
  for (const [key, propertySchema] of Object.entries(schema.properties)) {
    let value = env[key];
    // `<NAME>_FILE` points at a file holding the value (Docker/Kubernetes secrets mounted as files).
    const file = env[`${key}_FILE`];
    if ((value === undefined || value === '') && file) {
      try {
        value = readFileSync(file, 'utf8').trim();
      } catch {
        unreadable.push(`  - ${key}_FILE: cannot read ${file}`);
      }
    }
    if (value !== undefined && value !== '') raw[key] = fromEnvString(propertySchema as TSchema, value);
  }
  if (unreadable.length) throw new ConfigError(`invalid configuration for ${label}:\n${unreadable.join('\n')}`);
  const value = Value.Convert(schema, Value.Default(schema, raw));
  const errors = Value.Errors(schema, value);
  if (errors.length === 0) return value as Static<T>;
  const lines = errors.map((error) => {
    if (error.keyword === 'required') {
      const missing = (error.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      return `  - ${missing.join(', ')}: is required`;
    }
    const key = error.instancePath.split('/')[1] ?? '(root)';
    const shown = SENSITIVE.test(key) ? '' : ` (got ${JSON.stringify(env[key])})`;
    return `  - ${key}: ${error.message}${shown}`;
  });
  throw new ConfigError(`invalid configuration for ${label}:\n${[...new Set(lines)].join('\n')}`);
}
