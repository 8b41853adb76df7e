import { randomUUID } from 'node:crypto';
import { member } from './platform.js';

type Member = Awaited<ReturnType<typeof member>>;
/** A conversation and the member who writes in it (to Bob). */
interface Chat {
  sender: Member;
  id: string;
}

/** One kind of write the background load sends: what to send, and where the created thing is read back. */
interface Writer {
  name: string;
  service: string;
  /** Where the service keeps what this writer creates (the id is its primary key). */
  table?: string;
  /** Sign-ups pass the gateway's per-IP limit of the auth routes (60 a minute, kong.yml): they go slower. */
  slower?: number;
  send(): Promise<{ response: Response; readPath?: (body: { id: string }) => string }>;
}

interface Acknowledged {
  writer: string;
  id: string;
  readPath: string;
}

export interface LoadFigures {
  sent: number;
  acknowledged: number;
  /** Requests answered with an error status or not answered at all (not acknowledged: the client knows). */
  failed: number;
  /** Acknowledged (2xx) creates not readable afterwards. */
  lost: number;
  failures: Record<string, number>;
}

const inHours = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();

/** The writes of a member's day to the services the chaos tests break: posts, chat, events, sign-ups. */
function writers(gatewayUrl: string, alice: Member, bob: Member, chats: Chat[]): Writer[] {
  let n = 0;
  return [
    {
      name: 'post',
      service: 'content',
      table: 'content_posts',
      send: async () => ({
        response: await alice.call('POST', '/api/v1/content/posts', {
          text: `load post ${++n}`,
          language: 'en',
          visibility: 'public',
          domain: 'education',
        }),
        readPath: ({ id }) => `/api/v1/content/posts/${id}`,
      }),
    },
    // Bob's friends write to him in turn: a free member may send 100 messages a day (FREE_DAILY_MESSAGES).
    {
      name: 'message',
      service: 'messaging',
      slower: 3,
      send: async () => {
        const chat = chats[++n % chats.length]!;
        return {
          response: await chat.sender.call('POST', `/api/v1/messages/conversations/${chat.id}/messages`, {
            type: 'text',
            body: { text: `load message ${n}` },
            clientMessageId: randomUUID(),
          }),
          // Read back in one listing per conversation by verify(), not one request per message.
          readPath: () => `message:${chat.id}`,
        };
      },
    },
    {
      name: 'event',
      service: 'event',
      table: 'events',
      send: async () => ({
        response: await bob.call('POST', '/api/v1/events', {
          title: `Load event ${++n}`,
          description: 'Created by the chaos suite background load',
          domain: 'education',
          type: 'free',
          startsAt: inHours(48),
          endsAt: inHours(50),
          timezone: 'Europe/Paris',
          online: { url: 'https://meet.example.com/chaos' },
          capacity: 20,
          languages: ['fr'],
        }),
        readPath: ({ id }) => `/api/v1/events/${id}`,
      }),
    },
    {
      name: 'registration',
      service: 'user',
      table: 'users',
      slower: 5,
      send: async () => {
        const response = await fetch(`${gatewayUrl}/api/v1/users/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify({
            email: `load-${randomUUID()}@example.com`,
            password: 'Correct-horse-9-battery',
            displayName: `Load ${++n}`,
            originCountry: 'SN',
            residenceCountry: 'FR',
            residenceCity: 'Paris',
            languages: ['fr'],
            domains: ['education'],
          }),
          signal: AbortSignal.timeout(15_000),
        });
        return {
          response,
          readPath: (body) => `/api/v1/users/${(body as unknown as { user: { id: string } }).user.id}`,
        };
      },
    },
  ];
}

/**
 * A light background load through the gateway: each writer sends one request at a time, every `pauseMs`, and keeps
 * what was acknowledged so verify() can find every one of them afterwards. Alice posts, five friends chat to Bob,
 * Bob organizes events; sign-ups make new members.
 */
export async function startLoad(gatewayUrl: string, options: { pauseMs?: number; only?: string[] } = {}) {
  const [alice, bob, ...friends] = await Promise.all(
    ['alice', 'bob', 'carol', 'dave', 'erin', 'femi', 'gaia'].map((name) => member(gatewayUrl, `load-${name}`)),
  );
  const chats: Chat[] = [];
  for (const sender of friends) {
    const conversation = await sender.call('POST', '/api/v1/messages/conversations', { participantIds: [bob!.id] });
    if (conversation.status !== 201)
      throw new Error(`conversation: ${conversation.status} ${await conversation.text()}`);
    chats.push({ sender, id: ((await conversation.json()) as { id: string }).id });
  }
  const acknowledged: Acknowledged[] = [];
  const figures: LoadFigures = { sent: 0, acknowledged: 0, failed: 0, lost: 0, failures: {} };
  let running = true;
  let phase = ''; // what the test is doing now: failures are counted by it
  const fail = (writer: Writer, why: string) => {
    figures.failed++;
    const key = `${writer.name} ${why}${phase ? ` (${phase})` : ''}`;
    figures.failures[key] = (figures.failures[key] ?? 0) + 1;
  };
  const loop = async (writer: Writer) => {
    while (running) {
      figures.sent++;
      try {
        const { response, readPath } = await writer.send();
        if (response.ok) {
          const body = (await response.json()) as { id: string };
          figures.acknowledged++;
          const id = writer.table === 'users' ? (body as unknown as { user: { id: string } }).user.id : body.id;
          acknowledged.push({ writer: writer.name, id, readPath: readPath!(body) });
        } else {
          fail(writer, String(response.status));
          await response.body?.cancel();
        }
      } catch (error) {
        fail(writer, (error as Error).name);
      }
      await new Promise((r) => setTimeout(r, (options.pauseMs ?? 300) * (writer.slower ?? 1)));
    }
  };
  const active = writers(gatewayUrl, alice!, bob!, chats).filter(
    (w) => !options.only || options.only.includes(w.service),
  );
  const loops = active.map(loop);
  return {
    figures,
    alice: alice!,
    bob: bob!,
    /** Names what happens from now on (e.g. "user killed"), for the failure counts. */
    phase(name: string) {
      phase = name;
    },
    /** Ends the load (the requests in flight complete). */
    async stop() {
      running = false;
      await Promise.all(loops);
    },
    /**
     * Every acknowledged create must exist afterwards: all of them in their service's database (`stored` answers
     * which ids of a table exist), messages in their conversations' listings, and a sample of the others read
     * through the gateway (reading each one there would take minutes under the gateway's 600 a minute per IP).
     */
    async verify(stored: (service: string, table: string, ids: string[]) => Promise<Set<string>>) {
      const messages = new Set((await Promise.all(chats.map((chat) => listMessages(bob!, chat.id)))).flat());
      const missing: Acknowledged[] = acknowledged.filter(
        (item) => item.writer === 'message' && !messages.has(item.id),
      );
      for (const writer of active.filter((w) => w.table)) {
        const items = acknowledged.filter((item) => item.writer === writer.name);
        const found = await stored(
          writer.service,
          writer.table!,
          items.map((item) => item.id),
        );
        missing.push(...items.filter((item) => !found.has(item.id)));
        const step = Math.max(1, Math.floor(items.length / 10));
        for (let i = 0; i < items.length; i += step) {
          if (!(await readable(alice!, items[i]!.readPath))) missing.push(items[i]!);
        }
      }
      for (const item of missing) console.error(`lost: ${item.writer} ${item.id}`);
      figures.lost = missing.length;
      return figures;
    },
    /** The ids one writer got acknowledged, in order. */
    acknowledgedOf(writer: string) {
      return acknowledged.filter((item) => item.writer === writer).map((item) => item.id);
    },
    /** Acknowledged creates by writer, e.g. { post: 40, message: 41, … } (a test checks each kind made progress). */
    countsByWriter() {
      const counts: Record<string, number> = {};
      for (const item of acknowledged) counts[item.writer] = (counts[item.writer] ?? 0) + 1;
      return counts;
    },
  };
}
export type Load = Awaited<ReturnType<typeof startLoad>>;

/** GET through the gateway, waiting out a 429 or 503 (Retry-After): only a 404 or persistent error counts. */
async function readable(reader: Member, path: string): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const response = await reader.call('GET', path);
    await response.body?.cancel();
    if (response.status === 200) return true;
    if (response.status !== 429 && response.status < 500) return false;
    await new Promise((r) => setTimeout(r, 1000 * Number(response.headers.get('retry-after') ?? 1)));
  }
  return false;
}

async function listMessages(reader: Member, conversationId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await reader.call('GET', `/api/v1/messages/conversations/${conversationId}/messages?${query}`);
    if (response.status !== 200) throw new Error(`messages: ${response.status} ${await response.text()}`);
    const page = (await response.json()) as { items: { id: string }[]; nextCursor?: string | null };
    ids.push(...page.items.map((m) => m.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

export function printLoad(title: string, figures: LoadFigures) {
  const failures = Object.entries(figures.failures)
    .map(([why, count]) => `${why}×${count}`)
    .join(', ');
  console.log(
    `[chaos] ${title}: requests sent ${figures.sent}, acknowledged ${figures.acknowledged}, lost ${figures.lost}` +
      `, failed ${figures.failed}${failures ? ` (${failures})` : ''}`,
  );
}
