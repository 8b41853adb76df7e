import { storageConfig } from '@diaspora/service-kit/storage';
import { Type } from 'typebox';

/** The messaging service's own settings, on top of the kit's base config. */
export const messagingConfig = {
  /** The user service's gRPC address: privacy and blocks decide who may message whom. */
  USER_GRPC_ADDR: Type.String({ minLength: 3 }),
  /** Live fan-out between instances: `memory://…` or `nats://…` (core subjects). Defaults to BUS_URL. */
  REALTIME_URL: Type.Optional(Type.String({ pattern: '^(memory|nats)://' })),
  /** Connection registry: `memory://…` or `redis://…`. Defaults to CACHE_URL. */
  PRESENCE_URL: Type.Optional(Type.String({ pattern: '^(memory|redis|rediss)://' })),
  /** A registry entry lives this long unless refreshed (refreshed every third of it); bounds a crashed instance's ghosts. */
  PRESENCE_TTL_MS: Type.Integer({ default: 60_000, minimum: 3000 }),

  /** Frames larger than this get an error frame; four times this closes the socket (1009). */
  WS_MAX_FRAME_BYTES: Type.Integer({ default: 16_384, minimum: 1024, maximum: 1_048_576 }),
  /** Sockets one member may hold on one instance at once (their devices); more are refused with 429. */
  WS_MAX_CONNECTIONS_PER_MEMBER: Type.Integer({ default: 10, minimum: 1, maximum: 1000 }),
  /** Sockets one client address may hold on one instance at once (a household or office shares one address). */
  WS_MAX_CONNECTIONS_PER_IP: Type.Integer({ default: 100, minimum: 1, maximum: 100_000 }),
  /** Ping interval; a socket that did not answer the previous ping is terminated. */
  WS_HEARTBEAT_MS: Type.Integer({ default: 30_000, minimum: 200 }),
  /** Per-connection token bucket: sustained frames per second and burst. */
  WS_RATE_PER_SECOND: Type.Number({ default: 20, minimum: 1 }),
  WS_RATE_BURST: Type.Integer({ default: 40, minimum: 1 }),
  /** Consecutive rate-limited frames after which the socket is closed (1008) instead of answered. */
  WS_FLOOD_CLOSE_AFTER: Type.Integer({ default: 50, minimum: 1 }),
  /** A connection whose unsent output exceeds this is a slow consumer and is dropped (1013); it resumes on reconnect. */
  WS_MAX_BUFFERED_BYTES: Type.Integer({ default: 1_048_576, minimum: 1024 }),
  /** How long after connecting the server waits for a `resume` frame before resuming from the delivery watermarks. */
  WS_RESUME_WAIT_MS: Type.Integer({ default: 1500, minimum: 0 }),
  /** `token_expiring` is sent this long before the access token expires. */
  WS_TOKEN_WARNING_SECONDS: Type.Integer({ default: 60, minimum: 1 }),

  MESSAGE_TEXT_MAX_CHARS: Type.Integer({ default: 4000, minimum: 1, maximum: 20_000 }),
  /** Senders may edit their text messages for this long. */
  MESSAGE_EDIT_WINDOW_SECONDS: Type.Integer({ default: 900, minimum: 0 }),
  /** Senders may delete a message for everyone for this long. */
  MESSAGE_DELETE_WINDOW_SECONDS: Type.Integer({ default: 172_800, minimum: 0 }),
  GROUP_MAX_MEMBERS: Type.Integer({ default: 256, minimum: 3, maximum: 5000 }),
  /** Free tier: messages per UTC day (premium: unlimited). */
  FREE_DAILY_MESSAGES: Type.Integer({ default: 100, minimum: 0 }),
  /** Free tier: new conversations per UTC day (premium: unlimited). */
  FREE_DAILY_NEW_CONVERSATIONS: Type.Integer({ default: 10, minimum: 0 }),
  /** How long a "may A message B" answer of the user service is reused. */
  RELATIONSHIP_CACHE_SECONDS: Type.Integer({ default: 30, minimum: 0 }),

  /** Media (the kit's storage settings): STORAGE_URL defaults to `<DATA_DIR>/messaging/media`, the secret too. */
  ...storageConfig,
  /** Base of signed local-media links; the default is the gateway path of this service's media route. */
  STORAGE_PUBLIC_URL: Type.String({ default: '/api/v1/messages/media', pattern: '^(https?://|/)' }),
  MEDIA_MAX_BYTES: Type.Integer({ default: 10_485_760, minimum: 1024, maximum: 104_857_600 }),
};
