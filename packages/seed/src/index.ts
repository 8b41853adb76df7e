import { DiasporaError } from '@diaspora/sdk';
import { seedActivity, seedAttendance } from './activity.js';
import { Api, must } from './api.js';
import { DEMO_PASSWORD, type SeedOptions, seedCommunity } from './community.js';
import { seedExtras } from './extras.js';
import { Stages } from './stages.js';
import { leaders, planMember } from './world.js';

export { Api, ApiError, type Session } from './api.js';
export { DEMO_PASSWORD } from './community.js';

export interface SeedResult {
  alreadySeeded: boolean;
  seconds: number;
  timings: { stage: string; count: number; ms: number }[];
  credentials: { role: string; email: string; password: string; displayName?: string; where?: string }[];
  notes: string[];
}

const markerEmail = (seed: number) => `seed-marker.seed${seed}@demo.diaspora.example`;

/**
 * Whether this seed already completed with at least this many members: a marker account whose bio records it
 * (written last, so an interrupted run is simply run again; members and roles are then found, not duplicated).
 */
async function completedBefore(api: Api, seed: number, members: number): Promise<boolean> {
  const marker = api.sdk(0);
  try {
    await marker.login(markerEmail(seed), DEMO_PASSWORD);
  } catch (error) {
    if (error instanceof DiasporaError && (error.status === 401 || error.status === 403)) return false;
    throw error;
  }
  const { data } = await must(marker.api.GET('/api/v1/users/profile'));
  const done = /complete with (\d+) members/.exec(data.bio ?? '');
  return !!done && Number(done[1]) >= members;
}

async function markComplete(api: Api, seed: number, members: number): Promise<void> {
  const bio = `Marker of the demo data (npm run seed --seed ${seed}): complete with ${members} members.`;
  const marker = api.sdk(0);
  try {
    await marker.register({
      email: markerEmail(seed),
      password: DEMO_PASSWORD,
      displayName: `Demo data ${seed}`,
      originCountry: 'FR',
      residenceCountry: 'FR',
      residenceCity: 'Paris',
      languages: ['en'],
      bio,
    });
  } catch (error) {
    if (!(error instanceof DiasporaError && error.status === 409)) throw error;
    // An interrupted run made it: sign in, then the bio records the size.
    await marker.login(markerEmail(seed), DEMO_PASSWORD);
  }
  await must(marker.api.PATCH('/api/v1/users/profile', { body: { bio } }));
}

export async function seed(gatewayUrl: string, options: SeedOptions & { quiet?: boolean }): Promise<SeedResult> {
  const started = performance.now();
  const api = new Api(gatewayUrl.replace(/\/$/, ''));
  const stages = new Stages({ ...(options.quiet ? { quiet: true } : {}) });
  const alreadySeeded = await completedBefore(api, options.seed, options.members);
  const notes: string[] = [];
  let credentials: SeedResult['credentials'];
  try {
    if (alreadySeeded) {
      credentials = describe(options);
    } else {
      const community = await seedCommunity(api, stages, options);
      const { seats, posts } = await seedActivity(stages, community, options.seed, options.concurrency);
      notes.push(...(await seedExtras(api, stages, community.sessions, posts, options.concurrency)));
      await seedAttendance(
        stages,
        [...community.liveSeats, ...seats],
        community.sessions,
        options.seed,
        options.concurrency,
      );
      await markComplete(api, options.seed, options.members);
      credentials = describe(options);
    }
  } finally {
    stages.stop();
  }
  if (api.throttled > 0)
    notes.push(
      `the gateway rate-limited the seed ${api.throttled} times: start the platform with GATEWAY_TRUSTED_PROXIES=loopback ` +
        'so each simulated member counts as its own client (see docs/walkthrough.md)',
    );
  return { alreadySeeded, seconds: (performance.now() - started) / 1000, timings: stages.timings, credentials, notes };
}

/** Who to sign in as: the same people for the same seed and size. */
function describe(options: SeedOptions): SeedResult['credentials'] {
  const plans = Array.from({ length: options.members }, (_, i) => planMember(options.seed, i));
  const { ambassadors, consuls } = leaders(plans);
  const leaderIndexes = new Set([...ambassadors, ...consuls].map((l) => l.member.index));
  const member = plans.find((p) => !leaderIndexes.has(p.index))!;
  const ambassador = ambassadors[0]!;
  const consul = consuls[0]!;
  const line = (role: string, plan: typeof member, where: string) => ({
    role,
    email: plan.email,
    password: DEMO_PASSWORD,
    displayName: plan.displayName,
    where,
  });
  return [
    line('member', member, `from ${member.origin}, lives in ${member.city.name}`),
    line('consul', consul.member, `consul of ${consul.city.name}`),
    line('ambassador', ambassador.member, `ambassador of ${ambassador.country}`),
    { role: 'super user', email: options.superUser.email, password: options.superUser.password },
  ];
}
