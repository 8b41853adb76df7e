import { randomUUID } from 'node:crypto';
import { member } from './platform.js';

type Member = Awaited<ReturnType<typeof member>>;

/** One kind of write the background load sends: what to send, and where the created thing is read back. */
interface Writer {
  name: string;
  service: string;
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
function writers(gatewayUrl: string, alice: Member, bob: Member, conversationId: string): Writer[] {
  let n = 0;
  return [
    {
      name: 'post',
      service: 'content',
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
    // Alice writes and Bob answers: a free member may send 100 messages a day (FREE_DAILY_MESSAGES).
    ...(
      [
        ['message', alice],
        ['reply', bob],
      ] as const
    ).map(([name, sender]) => ({
      name,
      service: 'messaging',
      slower: 5,
      send: async () => ({
        response: await sender.call('POST', `/api/v1/messages/conversations/${conversationId}/messages`, {
          type: 'text',
          body: { text: `load ${name} ${++n}` },
          clientMessageId: randomUUID(),
        }),
        // Read back in one listing by verify(), not one request per message.
        readPath: ({ id }: { id: string }) => `message:${id}`,
      }),
    })),
    {
      name: 'event',
      service: 'event',
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
 * what was acknowledged so verify() can read every one of them back. Two members: Alice posts and chats to Bob,
 * Bob organizes events; sign-ups make new members.
 */
export async function startLoad(gatewayUrl: string, options: { pauseMs?: number; only?: string[] } = {}) {
  const [alice, bob] = await Promise.all([member(gatewayUrl, 'load-alice'), member(gatewayUrl, 'load-bob')]);
  const conversation = await alice.call('POST', '/api/v1/messages/conversations', { participantIds: [bob.id] });
  if (conversation.status !== 201) throw new Error(`conversation: ${conversation.status} ${await conversation.text()}`);
  const conversationId = ((await conversation.json()) as { id: string }).id;
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
          acknowledged.push({ writer: writer.name, id: body.id, readPath: readPath!(body) });
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
  const active = writers(gatewayUrl, alice, bob, conversationId).filter(
    (w) => !options.only || options.only.includes(w.service),
  );
  const loops = active.map(loop);
  return {
    figures,
    alice,
    bob,
    conversationId,
    /** Names what happens from now on (e.g. "user killed"), for the failure counts. */
    phase(name: string) {
      phase = name;
    },
    /** Ends the load (the requests in flight complete). */
    async stop() {
      running = false;
      await Promise.all(loops);
    },
    /** Reads every acknowledged create back; counts those missing as lost. */
    async verify(): Promise<LoadFigures> {
      const messages = new Set(await listMessages(alice, conversationId));
      let lost = 0;
      for (const item of acknowledged) {
        const found = item.readPath.startsWith('message:')
          ? messages.has(item.id)
          : (await alice.call('GET', item.readPath)).status === 200;
        if (!found) {
          lost++;
          console.error(`lost: ${item.writer} ${item.id}`);
        }
      }
      figures.lost = lost;
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
