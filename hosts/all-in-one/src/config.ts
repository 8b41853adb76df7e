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
  /** Serve GET /dev/outbox (mail and SMS captured by the local provider adapters). */
  DEV_OUTBOX: Type.Boolean({ default: true }),
  /** Comma-separated subset of services to host (default: every service found). */
  SERVICES: Type.Optional(Type.Array(Type.String())),
});
