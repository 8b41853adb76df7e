import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureDatabase, freePort, startEmbeddedPostgres } from '@diaspora/embedded-postgres';
import {
  buildEnvelope,
  createLogger,
  createService,
  encodeEnvelope,
  type GrpcBinding,
  GrpcServer,
  type ServiceDefinition,
} from '@diaspora/service-kit';
import pg from 'pg';
import { ROOT } from '../lib/processes.js';
import { type Benchmark, progress, report } from '../lib/report.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100_000);
const PAGE = 1000;
const silent = createLogger({ service: 'bench', level: 'silent' });

// The service and its contracts are loaded from their builds (the bench package does not depend on each service).
type Handlers = Record<string, (request: never) => Promise<unknown>>;
interface ProtoModule {
  implement(descriptor: unknown, handlers: Handlers, logger: typeof silent): GrpcBinding;
  userV1: { UserService: unknown };
  messagingV1: { MessagingRealtime: unknown };
}
const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(ROOT, path)).href)) as T;

const memberId = (i: number) => `usr_${String(i).padStart(26, '0')}`;
const ONLINE_EVERY = 20;
const isOnline = (id: string) => Number(id.slice(4)) % ONLINE_EVERY === 0;
const ONLINE = Math.floor(MEMBERS / ONLINE_EVERY);

/**
 * Stand-ins for the user service (ListMemberIds pages over MEMBERS ids, GetContactInfo) and messaging
 * (PushNotification, which records when each frame arrived), over real gRPC.
 */
async function startPeers(proto: ProtoModule) {
  const frames = { count: 0, offline: 0, lastAt: 0 };
  const server = new GrpcServer([
    proto.implement(
      proto.userV1.UserService,
      new Proxy({} as Handlers, {
        get: (_target, method) => {
          if (method === 'listMemberIds')
            return async (request: { pageToken: string }) => {
              const start = Number(request.pageToken || 0);
              const end = Math.min(MEMBERS, start + PAGE);
              const userIds = Array.from({ length: end - start }, (_, i) => memberId(start + i + 1));
              return { userIds, nextPageToken: end < MEMBERS ? String(end) : '' };
            };
          if (method === 'getContactInfo')
            return async (request: { userId: string }) => ({
              userId: request.userId,
              displayName: 'Member',
              email: `${request.userId}@example.test`,
              emailVerified: true,
              phoneVerified: false,
              languages: ['en'],
              timeZone: 'UTC',
              status: 'active',
            });
          return async () => ({});
        },
      }),
      silent,
    ),
    proto.implement(
      proto.messagingV1.MessagingRealtime,
      {
        pushNotification: async (request: { userId: string }) => {
          if (!isOnline(request.userId)) frames.offline++;
          frames.count++;
          frames.lastAt = performance.now();
          return { online: true };
        },
        // One member in twenty has a chat socket open.
        getPresence: async (request: { userIds: string[] }) => ({
          onlineUserIds: request.userIds.filter(isOnline),
        }),
      },
      silent,
    ),
  ]);
  const port = await server.listen('127.0.0.1', 0);
  server.setServing(true);
  return { address: `127.0.0.1:${port}`, frames, stop: () => server.stop(1000) };
}

/** The baseline: the same rows as bare multi-row INSERTs (pages of PAGE) into a table shaped and indexed alike. */
async function bareInsert(db: pg.Pool): Promise<number> {
  await db.query('CREATE TABLE bare_notifications (LIKE notifications INCLUDING ALL)');
  const started = performance.now();
  for (let start = 0; start < MEMBERS; start += PAGE) {
    const values: unknown[] = [];
    const rows: string[] = [];
    for (let i = start; i < Math.min(MEMBERS, start + PAGE); i++) {
      const p = values.length;
      rows.push(`($${p + 1}, $${p + 2}, 'new_event', $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, true)`);
      values.push(
        `ntf_bare${String(i).padStart(22, '0')}`,
        memberId(i + 1),
        'new_event:evt_bench',
        'New event near you',
        '“National forum” — FR.',
        { eventId: 'evt_bench' },
      );
    }
    await db.query(
      `INSERT INTO bare_notifications (id, recipient_id, type, dedup_key, title, body, data, in_app)
       VALUES ${rows.join(', ')}`,
      values,
    );
  }
  return performance.now() - started;
}

/**
 * P-notify: a national event announced to MEMBERS members. The notification service consumes
 * events.event.published, pages the members from the user service, writes one in-app notification each
 * (INSERT … SELECT unnest per page, with the per-member daily cap) and pushes a live frame each through messaging;
 * measured against a bare multi-row INSERT of the same rows on the same database, in the same run.
 */
async function run(): Promise<void> {
  const proto = await load<ProtoModule>('packages/proto/dist/index.js');
  const { notificationService } = await load<{ notificationService: ServiceDefinition }>(
    'services/notification/dist/app.js',
  );
  const { EventPublished } = await load<{ EventPublished: Parameters<typeof buildEnvelope>[1] }>(
    'packages/events/dist/index.js',
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'diaspora-bench-notify-'));
  chmodSync(dataDir, 0o755); // PostgreSQL runs as its own user when the bench runs as root
  const postgres = await startEmbeddedPostgres({
    dataDir: join(dataDir, 'pg'),
    port: await freePort(),
    persistent: false,
  });
  await ensureDatabase(postgres.adminUrl, 'notification_bench');
  const databaseUrl = postgres.urlFor('notification_bench');
  const peers = await startPeers(proto);
  const service = await createService(notificationService, {
    env: {
      HOST: '127.0.0.1',
      HTTP_PORT: '0',
      GRPC_PORT: '0',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      BUS_URL: 'memory://bench-notify',
      CACHE_URL: 'memory://bench-notify',
      AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
      DATA_DIR: dataDir,
      USER_GRPC_ADDR: peers.address,
      MESSAGING_GRPC_ADDR: peers.address,
      EVENT_GRPC_ADDR: peers.address,
      NEW_EVENT_DAILY_CAP: '5',
    },
    logger: silent,
  });
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    await service.migrate('up', 100);
    await service.startWorkers();
    const bareMs = await bareInsert(db);

    const envelope = buildEnvelope('bench', EventPublished, {
      eventId: 'evt_bench',
      title: 'National forum',
      domain: 'ict',
      type: 'national',
      status: 'published',
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 90_000_000).toISOString(),
      timezone: 'Europe/Paris',
      country: 'FR',
      online: false,
      languages: ['fr'],
      organizerId: 'usr_organizer',
      capacity: 5000,
      registeredCount: 0,
    });
    const started = performance.now();
    await service.context.bus.publish({ id: envelope.id, subject: envelope.subject, data: encodeEnvelope(envelope) });
    let writtenAt = 0;
    for (;;) {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications`);
      progress('notifications written', rows[0]!.n, MEMBERS);
      if (rows[0]!.n >= MEMBERS && !writtenAt) writtenAt = performance.now();
      if (writtenAt && peers.frames.count >= ONLINE) break;
      if (performance.now() - started > 600_000) throw new Error('the fan-out did not finish in 10 minutes');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const serviceMs = writtenAt - started;
    const lastFrameMs = peers.frames.lastAt - started;
    const rate = (ms: number) => Math.round(MEMBERS / (ms / 1000));
    report(
      'notify',
      [
        { path: 'bare multi-row INSERT (baseline)', rows: MEMBERS, ms: bareMs, 'rows/s': rate(bareMs) },
        { path: 'notification service fan-out (in-app rows)', rows: MEMBERS, ms: serviceMs, 'rows/s': rate(serviceMs) },
        {
          path: `last live frame (PushNotification to the ${ONLINE} online members)`,
          rows: peers.frames.count,
          ms: lastFrameMs,
          'rows/s': rate(lastFrameMs),
        },
      ],
      {
        members: MEMBERS,
        written_per_s: rate(serviceMs),
        bare_per_s: rate(bareMs),
        ratio: serviceMs / bareMs,
        last_frame_ms: lastFrameMs,
        online: ONLINE,
        frames_to_offline: peers.frames.offline,
      },
    );
  } finally {
    await db.end();
    await service.close();
    await peers.stop();
    await postgres.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const benchmark: Benchmark = {
  name: 'notify',
  id: 'P-notify',
  description:
    'a national event announced to 100k members: in-app rows/s and time to the last live frame vs a bare INSERT',
  run,
};
