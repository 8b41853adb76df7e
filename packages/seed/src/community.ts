import { DiasporaError } from '@diaspora/sdk';
import { type Api, must, type Session } from './api.js';
import type { Stages } from './stages.js';
import { eventText } from './texts.js';
import { CITIES, DOMAINS, fakerFor, leaders, type MemberPlan, planMember } from './world.js';

type Country = NonNullable<RegisterBody['originCountry']>;
type RegisterBody = Parameters<Session['sdk']['register']>[0];

export const DEMO_PASSWORD = 'Baobab-Teranga-2026!';
/** Seats taken at each city's live meetup, and how long before it starts they must all be taken. */
const LIVE_SEATS = 12;
const LIVE_LEAD_MS = 20_000;

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

/** Signs in (client 0 is the seed's own address); a locked or wrong password is an error worth stopping for. */
export async function signIn(api: Api, email: string, password: string, client: number): Promise<Session> {
  const sdk = api.sdk(client);
  const user = await sdk.login(email, password);
  return { userId: user.id, email, client, sdk };
}

/** The member's verification link as the local mail adapter captured it (GET /dev/outbox). */
async function verifyEmail(api: Api, session: Session): Promise<void> {
  const { messages } = await api.dev<{ messages: { text: string }[] }>(
    `/dev/outbox?to=${encodeURIComponent(session.email)}&channel=email`,
  );
  const token = messages.map((m) => /\bev_[A-Za-z0-9_-]+/.exec(m.text)?.[0]).find(Boolean);
  if (!token) return; // already verified on an earlier run, or the outbox ring has moved on
  await must(session.sdk.api.POST('/api/v1/users/auth/verify-email', { body: { token } }), [400, 404, 409, 410]);
}

/** Builds the community stage by stage; every stage is safe to repeat (409s are taken as "already there"). */
export async function seedCommunity(api: Api, stages: Stages, options: SeedOptions) {
  const { seed, concurrency } = options;
  const superUser = await signIn(api, options.superUser.email, options.superUser.password, 0);
  const plans = Array.from({ length: options.members }, (_, i) => planMember(seed, i));

  // Members: registration hashes the password (bcrypt), the slowest step; a 409 means an earlier run made them.
  const sessions = await stages.run('members', plans, concurrency, async (plan): Promise<Session> => {
    const client = plan.index + 1;
    const sdk = api.sdk(client);
    // A gateway timeout (bcrypt queued behind a busy machine) is tried again: if the first attempt did register,
    // the second finds the account (409) and signs in.
    for (let attempt = 1; ; attempt++)
      try {
        // The registration answers the tokens: no second sign-in (and no second bcrypt) per member.
        const user = await sdk.register({
          email: plan.email,
          password: DEMO_PASSWORD,
          displayName: plan.displayName,
          originCountry: plan.origin,
          residenceCountry: plan.city.country as Country,
          residenceCity: plan.city.name,
          languages: plan.languages,
          domains: [...plan.domains],
          bio: plan.bio,
          timeZone: plan.city.timeZone,
          arrivedAt: plan.arrivedAt,
        });
        return { userId: user.id, email: plan.email, client, sdk };
      } catch (error) {
        if (!(error instanceof DiasporaError)) throw error;
        if (error.status === 409) return signIn(api, plan.email, DEMO_PASSWORD, client);
        if (error.status !== 504 || attempt === 3) throw error;
      }
  });
  const byIndex = (plan: MemberPlan) => sessions[plan.index]!;

  // Roles: the super user appoints an ambassador per country of residence and a consul per city.
  const { ambassadors, consuls } = leaders(plans);
  await stages.run('roles', [...ambassadors, ...consuls], concurrency, async (leader) => {
    const userId = byIndex(leader.member).userId;
    const appointed =
      'country' in leader
        ? superUser.sdk.api.POST('/api/v1/users/ambassadors', { body: { userId, country: leader.country as Country } })
        : superUser.sdk.api.POST('/api/v1/users/consuls', {
            body: { userId, country: leader.city.country as Country, city: leader.city.name },
          });
    await must(appointed, [409]);
    await verifyEmail(api, byIndex(leader.member));
    // Roles reach the token at the next refresh.
    await byIndex(leader.member).sdk.refresh();
  });

  const scheduled = await seedEvents(stages, options, sessions, ambassadors, consuls, false);
  // One meetup per city happens during the run, so its attendees check in and rate it once it has ended. It is
  // made just before its few seats are taken, starting soon after: registration closes when an event starts.
  const live = await seedEvents(stages, options, sessions, [], consuls, true);
  const attendees = live.flatMap((event) =>
    plans
      .filter((plan) => plan.city.name === event.city && sessions[plan.index] !== event.organizer)
      .slice(0, LIVE_SEATS)
      .map((plan) => ({ plan, event })),
  );
  const liveSeats = await stages.run('live seats', attendees, concurrency, async ({ plan, event }) => {
    const { status, data } = await must(
      sessions[plan.index]!.sdk.api.POST('/api/v1/events/{id}/registrations', { params: { path: { id: event.id } } }),
      [409],
    );
    return { plan, event, code: status === 409 ? undefined : data.checkInCode };
  });
  return { superUser, plans, sessions, events: [...scheduled, ...live], liveSeats, ambassadors, consuls };
}

async function seedEvents(
  stages: Stages,
  options: SeedOptions,
  sessions: Session[],
  ambassadors: ReturnType<typeof leaders>['ambassadors'],
  consuls: ReturnType<typeof leaders>['consuls'],
  live: boolean,
): Promise<SeededEvent[]> {
  const perLeader = Math.max(3, Math.ceil(options.members / 40));
  const now = Date.now();
  const specs = [
    ...ambassadors.flatMap(({ member, country }) =>
      Array.from({ length: perLeader }, (_, n) => ({ member, kind: 'national' as const, country, n })),
    ),
    ...consuls.flatMap(({ member, city }) =>
      (live ? [perLeader] : Array.from({ length: perLeader }, (_, n) => n)).map((n) => ({
        member,
        kind: 'local' as const,
        country: city.country,
        n,
      })),
    ),
  ];
  const recent = live;
  return stages.run(
    live ? 'live meetups' : 'events',
    specs,
    options.concurrency,
    async ({ member, kind, country, n }, i) => {
      const pick = fakerFor(options.seed, `event:${member.index}:${n}`);
      const city =
        kind === 'local' ? member.city : pick.helpers.arrayElement(CITIES.filter((c) => c.country === country));
      const domain = DOMAINS[i % DOMAINS.length]!;
      const language = city.languages.includes('fr') ? 'fr' : 'en';
      const text = eventText(pick, kind, domain, city.name, language);
      const startsAt = recent
        ? now + LIVE_LEAD_MS
        : now + pick.number.int({ min: 2, max: 90 }) * 86_400_000 + pick.number.int({ min: 0, max: 12 }) * 3_600_000;
      const endsAt = recent ? startsAt + 10_000 : startsAt + pick.number.int({ min: 2, max: 6 }) * 3_600_000;
      const organizer = sessions[member.index]!;
      const { data } = await must(
        organizer.sdk.api.POST('/api/v1/events', {
          body: {
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
              country: city.country as Country,
              lat: city.lat + pick.number.float({ min: -0.03, max: 0.03 }),
              lon: city.lon + pick.number.float({ min: -0.03, max: 0.03 }),
            },
            capacity: recent ? 1000 : pick.number.int({ min: 20, max: 300 }),
            languages: [language],
          },
        }),
      );
      return { id: data.id, organizer, city: city.name, country: city.country, recent, endsAt };
    },
  );
}
