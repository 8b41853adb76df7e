import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeUser, type MessagingTestService, startMessaging, startUsers } from '../fixtures.js';

// Not a timing test: it checks the plans PostgreSQL picks once a conversation table holds many rows, so that
// history pages, gap fills and catch-up stay index range scans (no sort, no scan of other conversations).
let users: Awaited<ReturnType<typeof startUsers>>;
let service: MessagingTestService;

beforeAll(async () => {
  users = await startUsers([fakeUser('x')]);
  service = await startMessaging(users.address, { workers: false });
  const db = service.context.db;
  await db.query(`
    INSERT INTO conversations (id, type, last_seq)
    SELECT 'cnv_' || lpad(c::text, 26, '0'), 'group', 1000 FROM generate_series(1, 120) AS c;
    INSERT INTO messages (conversation_id, seq, id, sender_id, client_message_id, type, body)
    SELECT 'cnv_' || lpad(c::text, 26, '0'), s, 'msg_' || lpad((c * 10000 + s)::text, 26, '0'),
           'usr_' || (s % 50), 'c' || c || '-' || s, 'text', '{"text":"hello"}'
      FROM generate_series(1, 120) AS c, generate_series(1, 1000) AS s;
    ANALYZE messages;`);
}, 120_000);
afterAll(async () => {
  await service?.close();
  await users?.stop();
});

const plan = async (sql: string, params: unknown[]) => {
  const { rows } = await service.context.db.query(`EXPLAIN ${sql}`, params);
  return rows.map((row) => String(row['QUERY PLAN'])).join('\n');
};

describe('the messages table at 120,000 rows', () => {
  it('serves a history page as a backward range scan of the primary key, without sorting', async () => {
    const text = await plan(
      `SELECT * FROM messages WHERE conversation_id = $1 AND seq > $2 AND ($3::bigint IS NULL OR seq < $3)
        ORDER BY seq DESC LIMIT $4`,
      [`cnv_${'77'.padStart(26, '0')}`, 0, 800, 51],
    );
    expect(text).toMatch(/Index Scan Backward using messages_pkey/);
    expect(text).not.toMatch(/Sort|Seq Scan/);
  });

  it('fills a gap and finds a message by id through indexes', async () => {
    expect(
      await plan('SELECT * FROM messages WHERE conversation_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq', [
        `cnv_${'5'.padStart(26, '0')}`,
        10,
        20,
      ]),
    ).toMatch(/Index Scan using messages_pkey/);
    expect(await plan('SELECT * FROM messages WHERE id = $1', ['msg_x'])).toMatch(/Index Scan using messages_id/);
    expect(
      await plan('SELECT * FROM messages WHERE sender_id = $1 AND client_message_id = $2', ['usr_1', 'c1-1']),
    ).toMatch(/Index Scan using messages_sender_client_id/);
  });
});
