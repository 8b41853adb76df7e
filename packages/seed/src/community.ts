import type { Api, Session } from './api.js';
import type { Stages } from './stages.js';
import { eventText } from './texts.js';
import { CITIES, DOMAINS, fakerFor, leaders, type MemberPlan, planMember } from './world.js';

export const DEMO_PASSWORD = 'Baobab-Teranga-2026!';

interface AuthAnswer {
  user: { id: string };
  accessToken: string;
  refreshToken: string;
}

export interface SeedOptions {
  members: number;
  seed: number;
  concurrency: number;
  superUser: { email: string; password: string };
}

export interface SeededEvent {
  id: string;
  organizer: Session;
  city?: string;
  country: string;
  /** Ends within the run, so its attendees are checked in and rate it. */
  recent: boolean;
  endsAt: number;
}

export type SeededCommunity = Awaited<ReturnType<typeof seedCommunity>>;

const toSession = (answer: AuthAnswer, email: string, client: number): Session => ({
  userId: answer.user.id,
  email,
  accessToken: answer.accessToken,
  refreshToken: answer.refreshToken,
  client,
});

/** Signs in (client 0 is the seed's own address); a locked or wrong password is an error worth stopping for. */
export async function signIn(api: Api, email: string, password: string, client: number): Promise<Session> {
  const { body } = await api.call<AuthAnswer>('POST', '/api/v1/users/auth/login', {
    body: { email, password },
    client,
  });
  return toSession(body, email, client);
}

async function refresh(api: Api, session: Session): Promise<Session> {
  const { body } = await api.call<AuthAnswer>('POST', '/api/v1/users/auth/refresh', {
    body: { refreshToken: session.refreshToken },
    client: session.client,
  });
  return { ...session, accessToken: body.accessToken, refreshToken: body.refreshToken };
}

/** The member's verification link as the local mail adapter captured it (GET /dev/outbox). */
async function verifyEmail(api: Api, session: Session): Promise<void> {
  const { body } = await api.call<{ messages: { text: string }[] }>(
    'GET',
    `/dev/outbox?to=${encodeURIComponent(session.email)}&channel=email`,
  );
  const token = body.messages.map((m) => /\bev_[A-Za-z0-9_-]+/.exec(m.text)?.[0]).find(Boolean);
  if (!token) return; // already verified on an earlier run, or the outbox ring has moved on
  await api.call('POST', '/api/v1/users/auth/verify-email', {
    body: { token },
    client: session.client,
    accept: [400, 404, 409, 410],
  });
}

/** Builds the community stage by stage; every stage is safe to repeat (409s are taken as "already there"). */
export async function seedCommunity(api: Api, stages: Stages, options: SeedOptions) {
  const { seed, concurrency } = options;
  const superUser = await signIn(api, options.superUser.email, options.superUser.password, 0);
  const plans = Array.from({ length: options.members }, (_, i) => planMember(seed, i));

  // Members: registration hashes the password (bcrypt), the slowest step; a 409 means an earlier run made them.
  const sessions = await stages.run('members', plans, concurrency, async (plan): Promise<Session> => {
    const client = plan.index + 1;
    const { status, body } = await api.call<AuthAnswer>('POST', '/api/v1/users/auth/register', {
      body: {
        email: plan.email,
        password: DEMO_PASSWORD,
        displayName: plan.displayName,
        originCountry: plan.origin,
        residenceCountry: plan.city.country,
        residenceCity: plan.city.name,
        languages: plan.languages,
        domains: plan.domains,
        bio: plan.bio,
        timeZone: plan.city.timeZone,
        arrivedAt: plan.arrivedAt,
      },
      client,
      accept: [409],
    });
    if (status === 409) return signIn(api, plan.email, DEMO_PASSWORD, client);
    return toSession(body, plan.email, client);
  });
  const byIndex = (plan: MemberPlan) => sessions[plan.index]!;

  // Roles: the super user appoints an ambassador per country of residence and a consul per city.
  const { ambassadors, consuls } = leaders(plans);
  const appointments = [
    ...ambassadors.map((a) => ({ plan: a.member, path: '/api/v1/users/ambassadors', body: { country: a.country } })),
    ...consuls.map((c) => ({
      plan: c.member,
      path: '/api/v1/users/consuls',
      body: { country: c.city.country, city: c.city.name },
    })),
  ];
  await stages.run('roles', appointments, concurrency, async ({ plan, path, body }) => {
    await api.as(superUser, 'POST', path, { userId: byIndex(plan).userId, ...body }, [409]);
    await verifyEmail(api, byIndex(plan));
    // Roles reach the token at the next refresh.
    sessions[plan.index] = await refresh(api, byIndex(plan));
  });

  const events = await seedEvents(api, stages, options, sessions, ambassadors, consuls);
  return { superUser, plans, sessions, events, ambassadors, consuls };
}

async function seedEvents(
  api: Api,
  stages: Stages,
  options: SeedOptions,
  sessions: Session[],
  ambassadors: ReturnType<typeof leaders>['ambassadors'],
  consuls: ReturnType<typeof leaders>['consuls'],
): Promise<SeededEvent[]> {
  const perLeader = Math.max(3, Math.ceil(options.members / 40));
  const now = Date.now();
  const specs = [
    ...ambassadors.flatMap(({ member, country }) =>
      Array.from({ length: perLeader }, (_, n) => ({ member, kind: 'national' as const, country, n, recent: false })),
    ),
    ...consuls.flatMap(({ member, city }) =>
      Array.from({ length: perLeader + 1 }, (_, n) => ({
        member,
        kind: 'local' as const,
        country: city.country,
        n,
        // One meetup per city happens during the run: attendees check in and rate it afterwards.
        recent: n === perLeader,
      })),
    ),
  ];
  return stages.run('events', specs, options.concurrency, async ({ member, kind, country, n, recent }, i) => {
    const pick = fakerFor(options.seed, `event:${member.index}:${n}`);
    const city =
      kind === 'local' ? member.city : pick.helpers.arrayElement(CITIES.filter((c) => c.country === country));
    const domain = DOMAINS[i % DOMAINS.length]!;
    const language = city.languages.includes('fr') ? 'fr' : 'en';
    const text = eventText(pick, kind, domain, city.name, language);
    const startsAt = recent
      ? now + 15_000
      : now + pick.number.int({ min: 2, max: 90 }) * 86_400_000 + pick.number.int({ min: 0, max: 12 }) * 3_600_000;
    const endsAt = recent ? now + 45_000 : startsAt + pick.number.int({ min: 2, max: 6 }) * 3_600_000;
    const organizer = sessions[member.index]!;
    const { body } = await api.as<{ id: string }>(organizer, 'POST', '/api/v1/events', {
      title: recent ? `${text.title} (live)` : text.title,
      description: text.description,
      domain,
      type: kind,
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(endsAt).toISOString(),
      timezone: city.timeZone,
      venue: {
        name: `${pick.company.name()} ${language === 'fr' ? 'Salle' : 'Hall'}`,
        address: pick.location.streetAddress(),
        city: city.name,
        country: city.country,
        lat: city.lat + pick.number.float({ min: -0.03, max: 0.03 }),
        lon: city.lon + pick.number.float({ min: -0.03, max: 0.03 }),
      },
      capacity: recent ? 1000 : pick.number.int({ min: 20, max: 300 }),
      languages: [language],
    });
    return { id: body.id, organizer, city: city.name, country: city.country, recent, endsAt };
  });
}
