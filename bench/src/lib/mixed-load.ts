import type WebSocket from 'ws';
import { MemberClient, pool, Recorder, type Session } from './load-client.js';
import { progress } from './report.js';
import { closeSockets, openSockets } from './ws-load.js';

const PASSWORD = 'a long passphrase here';
const SETUP_TIMEOUT_MS = 180_000;
const WORDS = ['meetup', 'business', 'football', 'cuisine', 'musique', 'emploi', 'logement', 'festival'];
const CITIES = [
  ['FR', 'Paris'],
  ['FR', 'Lyon'],
  ['BE', 'Brussels'],
  ['GB', 'London'],
  ['US', 'Houston'],
] as const;

/** How often each action is chosen (per 100), roughly what members of a community app do in a session. */
const MIX: [Action, number][] = [
  ['feed', 25],
  ['events feed', 5],
  ['search', 10],
  ['post', 7],
  ['like', 15],
  ['comment', 8],
  ['register to event', 6],
  ['chat', 19],
  ['refresh', 4],
  ['login', 1],
];
type Action =
  | 'feed'
  | 'events feed'
  | 'search'
  | 'post'
  | 'like'
  | 'comment'
  | 'register to event'
  | 'chat'
  | 'refresh'
  | 'login';

interface Member {
  client: MemberClient;
  socket?: WebSocket;
  conversationId: string;
  liked: Set<string>;
  registered: Set<string>;
}

type AuthAnswer = { accessToken: string; refreshToken: string; user: { id: string } };

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

function choose(): Action {
  let roll = Math.random() * MIX.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [action, weight] of MIX) {
    roll -= weight;
    if (roll < 0) return action;
  }
  return 'feed';
}

/**
 * The mixed load: MEMBERS registered through the gateway (each with its own client address), paired in direct
 * conversations over WebSocket, a few free events, then each member acting in a loop with a random think time.
 * HTTP operations are timed per operation; chat is timed from send to the peer's `message` frame.
 */
export async function mixedLoad(options: {
  gatewayUrl: string;
  members: number;
  seconds: number;
  thinkMs: number;
}): Promise<{ recorder: Recorder; chat: { sent: number; delivered: number; errorFrames: number } }> {
  const recorder = new Recorder();
  const setup = new Recorder();
  const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let done = 0;
  // Registration hashes the password (bcrypt): a few at a time, each quick, rather than a long queue of them.
  const members: Member[] = await pool(options.members, 8, async (index) => {
    const [country, city] = CITIES[index % CITIES.length]!;
    const email = `load${index}-${stamp}@example.com`;
    const anonymous = new MemberClient(
      options.gatewayUrl,
      setup,
      { index, userId: '', email, accessToken: '', refreshToken: '' },
      SETUP_TIMEOUT_MS,
    );
    const answer = await anonymous.call<AuthAnswer>('register', 'POST', '/api/v1/users/auth/register', {
      email,
      password: PASSWORD,
      displayName: `Load ${index}`,
      originCountry: pick(['SN', 'CM', 'CI', 'HT']),
      residenceCountry: country,
      residenceCity: city,
      languages: ['fr', 'en'],
    });
    if (answer?.status !== 201) throw new Error(`registration failed: ${setup.samples.get('register')?.[0]}`);
    const session: Session = {
      index,
      userId: answer.body.user.id,
      email,
      accessToken: answer.body.accessToken,
      refreshToken: answer.body.refreshToken,
    };
    progress('registering members', ++done, options.members);
    return {
      client: new MemberClient(options.gatewayUrl, recorder, session),
      conversationId: '',
      liked: new Set(),
      registered: new Set(),
    };
  });

  const setupCall = async <T>(member: Member, path: string, body: unknown): Promise<T> => {
    const before = member.client;
    const client = new MemberClient(options.gatewayUrl, setup, before.session, SETUP_TIMEOUT_MS);
    const answer = await client.call<T>('setup', 'POST', path, body);
    if (!answer || answer.status >= 300) throw new Error(`${path}: ${setup.samples.get('setup')?.at(-1)}`);
    return answer.body;
  };
  await pool(Math.floor(options.members / 2), 8, async (pair) => {
    const [a, b] = [members[2 * pair]!, members[2 * pair + 1]!];
    const conversation = await setupCall<{ id: string }>(a, '/api/v1/messages/conversations', {
      participantIds: [b.client.session.userId],
    });
    a.conversationId = b.conversationId = conversation.id;
  });
  const eventIds = await pool(Math.min(10, options.members), 4, async (i) => {
    const [country, city] = CITIES[i % CITIES.length]!;
    const startsAt = Date.now() + (i + 2) * 86_400_000;
    const event = await setupCall<{ id: string }>(members[i]!, '/api/v1/events', {
      title: `Diaspora meetup ${i} in ${city}`,
      description: 'An evening to meet the community: introductions, jobs board and music.',
      domain: 'associations',
      type: 'free',
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(startsAt + 3 * 3_600_000).toISOString(),
      timezone: 'Europe/Paris',
      venue: { name: 'Salle des fêtes', address: '1 rue de la Paix', city, country, lat: 48.85, lon: 2.35 },
      capacity: 10_000,
      languages: ['fr'],
    });
    return event.id;
  });
  const postIds: string[] = [];
  await pool(Math.min(20, options.members), 8, async (i) => {
    const post = await setupCall<{ id: string }>(members[i]!, '/api/v1/content/posts', postBody(i));
    postIds.push(post.id);
  });

  // Chat: every member connected; the peer's copy of a message is the delivery we time.
  const sentAt = new Map<string, number>();
  let errorFrames = 0;
  let sent = 0;
  const onFrame = (index: number, data: string) => {
    if (data.startsWith('{"op":"error"')) errorFrames++;
    if (!data.startsWith('{"op":"message"')) return;
    const { message } = JSON.parse(data) as { message: { senderId: string; clientMessageId?: string } };
    if (message.senderId === members[index]!.client.session.userId || !message.clientMessageId) return;
    const at = sentAt.get(message.clientMessageId);
    if (at === undefined) return;
    sentAt.delete(message.clientMessageId);
    recorder.record('ws chat delivery', performance.now() - at, true);
  };
  const wsBase = options.gatewayUrl.replace(/^http/, 'ws');
  const sockets = await openSockets(
    members.length,
    (i) => `${wsBase}/api/v1/messages/ws?token=${members[i]!.client.session.accessToken}`,
    onFrame,
    (socket) => socket.send('{"op":"resume"}'),
    16,
  );
  sockets.forEach((socket, i) => {
    members[i]!.socket = socket.socket;
  });

  const act = async (member: Member, action: Action, n: number) => {
    const { client } = member;
    switch (action) {
      case 'feed': {
        const page = await client.call<{ items?: { id: string }[] }>(
          'GET feed',
          'GET',
          '/api/v1/content/feed?section=posts&limit=20',
        );
        for (const item of page?.body.items?.slice(0, 5) ?? [])
          if (/^pst_/.test(item.id) && !postIds.includes(item.id)) postIds.push(item.id); // not sponsored slots
        return;
      }
      case 'events feed':
        return void (await client.call('GET feed (events)', 'GET', '/api/v1/content/feed?section=events&limit=20'));
      case 'search':
        return void (await client.call('GET search', 'GET', `/api/v1/search?q=${pick(WORDS)}&type=posts`));
      case 'post': {
        const post = await client.call<{ id: string }>('POST post', 'POST', '/api/v1/content/posts', postBody(n));
        if (post?.status === 201) postIds.push(post.body.id);
        return;
      }
      case 'like': {
        const postId = postIds.slice(-50).find((id) => !member.liked.has(id));
        if (!postId) return;
        member.liked.add(postId);
        return void (await client.call('POST like', 'POST', `/api/v1/content/posts/${postId}/likes`));
      }
      case 'comment':
        return void (await client.call(
          'POST comment',
          'POST',
          `/api/v1/content/posts/${pick(postIds.slice(-50))}/comments`,
          {
            text: `Bonne idée, on en parle samedi ! (${n})`,
          },
        ));
      case 'register to event': {
        const eventId = eventIds.find((id) => !member.registered.has(id));
        if (!eventId) return void (await client.call('GET event', 'GET', `/api/v1/events/${pick(eventIds)}`));
        member.registered.add(eventId);
        return void (await client.call('POST event registration', 'POST', `/api/v1/events/${eventId}/registrations`));
      }
      case 'chat': {
        if (!member.conversationId || member.socket?.readyState !== member.socket?.OPEN) return;
        const key = `${stamp}.${client.session.index}.${n}`;
        sentAt.set(key, performance.now());
        sent++;
        member.socket!.send(
          JSON.stringify({
            op: 'send',
            conversationId: member.conversationId,
            type: 'text',
            body: { text: 'On se retrouve samedi ?' },
            clientMessageId: key,
          }),
        );
        return;
      }
      case 'refresh': {
        const answer = await client.call<AuthAnswer>(
          'POST auth/refresh',
          'POST',
          '/api/v1/users/auth/refresh',
          {
            refreshToken: client.session.refreshToken,
          },
          { anonymous: true },
        );
        if (answer?.status === 200)
          Object.assign(client.session, {
            accessToken: answer.body.accessToken,
            refreshToken: answer.body.refreshToken,
          });
        return;
      }
      case 'login': {
        const answer = await client.call<AuthAnswer>(
          'POST auth/login',
          'POST',
          '/api/v1/users/auth/login',
          {
            email: client.session.email,
            password: PASSWORD,
          },
          { anonymous: true },
        );
        if (answer?.status === 200)
          Object.assign(client.session, {
            accessToken: answer.body.accessToken,
            refreshToken: answer.body.refreshToken,
          });
        return;
      }
    }
  };

  const end = performance.now() + options.seconds * 1000;
  let n = 0;
  await Promise.all(
    members.map(async (member) => {
      // Members start spread over one think time, not all at once.
      await sleep(Math.random() * options.thinkMs);
      while (performance.now() < end) {
        await act(member, choose(), n++);
        await sleep(options.thinkMs * (0.5 + Math.random()));
      }
    }),
  );
  await sleep(3000); // grace for chat messages still in flight
  const delivered = sent - sentAt.size;
  await closeSockets(sockets);
  return { recorder, chat: { sent, delivered, errorFrames } };
}

function postBody(n: number) {
  return {
    text: `Qui vient au ${pick(WORDS)} ce week-end ? On organise le covoiturage depuis la gare (${n}).`,
    language: 'fr',
    visibility: 'public',
    domain: 'associations',
    tags: ['diaspora', pick(WORDS)],
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
