import { Type } from 'typebox';

/** Settings of the all-in-one host itself (each hosted service still validates its own config). */
export const hostConfig = Type.Object({
  GATEWAY_HOST: Type.String({ default: '127.0.0.1' }),
  GATEWAY_PORT: Type.Integer({ default: 8000, minimum: 0, maximum: 65535 }),
  /** Service n (in SERVICE_ORDER) listens on HTTP base+n and gRPC base+n; 0 picks free ports. */
  SERVICE_HTTP_PORT_BASE: Type.Integer({ default: 8100, minimum: 0, maximum: 65000 }),
  SERVICE_GRPC_PORT_BASE: Type.Integer({ default: 9100, minimum: 0, maximum: 65000 }),
  DATA_DIR: Type.String({ default: '.data' }),
  /** The gateway's configuration (Kong declarative format). */
  KONG_CONFIG: Type.String({ default: 'kong/kong.yml' }),
  POSTGRES_PORT: Type.Integer({ default: 54329, minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.String({ default: 'info' }),
  /** `pretty` for people at a terminal, `json` for machines; `auto` picks by whether stdout is a TTY. */
  LOG_FORMAT: Type.Enum(['auto', 'pretty', 'json'], { default: 'auto' }),
  /**
   * Serve GET /dev/outbox (mail and SMS captured by the local provider adapters, reset links included) to clients
   * on this machine. Refused at boot with a GATEWAY_HOST beyond loopback.
   */
  DEV_OUTBOX: Type.Boolean({ default: true }),
  /** Proxies in front of the gateway whose X-Forwarded-For hops it keeps (addresses, CIDRs, `loopback`…). */
  GATEWAY_TRUSTED_PROXIES: Type.Array(Type.String(), { default: [] }),
  /** Strict-Transport-Security max-age the gateway sends, when TLS is terminated in front of it (0: none). */
  GATEWAY_HSTS_MAX_AGE_SECONDS: Type.Integer({ default: 0, minimum: 0, maximum: 63_072_000 }),
  /** Where people reach the API, for links in mail and calendars; derived from GATEWAY_HOST/PORT when unset. */
  PUBLIC_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+(/\\S*[^\\s/])?$' })),
  /** Comma-separated subset of services to host (default: every service found). */
  SERVICES: Type.Optional(Type.Array(Type.String())),
});
