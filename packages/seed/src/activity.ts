import { must, type Session } from './api.js';
import type { SeededCommunity } from './community.js';
import type { Stages } from './stages.js';
import { commentText, messageText, postText } from './texts.js';
import { fakerFor, type MemberPlan } from './world.js';

type Lang = 'en' | 'fr';
const languageOf = (plan: MemberPlan, pick: ReturnType<typeof fakerFor>): Lang =>
  plan.languages.includes('fr') && (!plan.languages.includes('en') || pick.datatype.boolean()) ? 'fr' : 'en';

/** Members take part: registrations, follows and connections, posts with likes and comments, conversations. */
export async function seedActivity(stages: Stages, community: SeededCommunity, seed: number, concurrency: number) {
  const { plans, sessions, events } = community;
  const n = plans.length;

  // Registrations: each member signs up to events of their city and country.
  const registrations = plans.flatMap((plan) => {
    const pick = fakerFor(seed, `registrations:${plan.index}`);
    const near = events.filter((e) => !e.recent && (e.city === plan.city.name || e.country === plan.city.country));
    const chosen = pick.helpers.arrayElements(near, Math.min(near.length, 3));
    return chosen.map((event) => ({ plan, event }));
  });
  const seats = await stages.run('registrations', registrations, concurrency, async ({ plan, event }) => {
    const { status, data } = await must(
      sessions[plan.index]!.sdk.api.POST('/api/v1/events/{id}/registrations', { params: { path: { id: event.id } } }),
      [409],
    );
    return { plan, event, code: status === 409 ? undefined : data.checkInCode };
  });

  // Follows (mostly people of the same origin) and connections (neighbours in the same city).
  const follows = plans.flatMap((plan) => {
    const pick = fakerFor(seed, `follows:${plan.index}`);
    return Array.from({ length: Math.min(5, n - 1) }, () => pick.number.int({ min: 0, max: n - 1 }))
      .filter((other, i, all) => other !== plan.index && all.indexOf(other) === i)
      .map((other) => ({ from: sessions[plan.index]!, to: sessions[other]! }));
  });
  await stages.run('follows', follows, concurrency, ({ from, to }) =>
    must(from.sdk.api.POST('/api/v1/users/{userId}/follow', { params: { path: { userId: to.userId } } }), [409]),
  );
  const pairs = plans
    .filter((p) => p.index % 2 === 0 && p.index + 5 < n)
    .map((p) => [sessions[p.index]!, sessions[p.index + 5]!] as const);
  await stages.run('connections', pairs, concurrency, async ([from, to]) => {
    const { status, data } = await must(
      from.sdk.api.POST('/api/v1/users/connections', { body: { userId: to.userId } }),
      [409],
    );
    if (status !== 409)
      await must(
        to.sdk.api.POST('/api/v1/users/connections/{requestId}/accept', { params: { path: { requestId: data.id } } }),
        [409],
      );
  });

  // Posts in English and French, then likes and comments from others.
  const postSpecs = plans.flatMap((plan) => {
    const pick = fakerFor(seed, `posts:${plan.index}`);
    return Array.from({ length: plan.index % 2 === 0 ? 2 : 1 }, (_, k) => ({ plan, pick, k }));
  });
  const posts = await stages.run('posts', postSpecs, concurrency, async ({ plan, pick }) => {
    const language = languageOf(plan, pick);
    const domain = pick.helpers.arrayElement(plan.domains);
    const { data } = await must(
      sessions[plan.index]!.sdk.api.POST('/api/v1/content/posts', {
        body: {
          text: postText(pick, plan.city, plan.origin, domain, language),
          language,
          visibility: 'public',
          domain,
          tags: [
            plan.origin.toLowerCase(),
            plan.city.name
              .toLowerCase()
              .normalize('NFD')
              .replace(/[^a-z]/g, ''),
          ],
        },
      }),
    );
    return { id: data.id, language };
  });
  const reactions = posts.flatMap((post, i) => {
    const pick = fakerFor(seed, `reactions:${i}`);
    return Array.from({ length: Math.min(3, n - 1) }, (_, k) => ({
      post,
      by: sessions[pick.number.int({ min: 0, max: n - 1 })]!,
      comment: k === 0,
      pick,
    }));
  });
  await stages.run('likes/comments', reactions, concurrency, async ({ post, by, comment, pick }) => {
    const path = { params: { path: { postId: post.id } } };
    await must(by.sdk.api.POST('/api/v1/content/posts/{postId}/likes', path), [409]);
    if (comment)
      await must(
        by.sdk.api.POST('/api/v1/content/posts/{postId}/comments', {
          ...path,
          body: { text: commentText(pick, post.language) },
        }),
      );
  });

  // Conversations between connected neighbours, a few messages each.
  const talks = pairs.slice(0, Math.max(3, Math.ceil(n / 20)));
  await stages.run('conversations', talks, concurrency, async ([a, b], i) => {
    const pick = fakerFor(seed, `talk:${i}`);
    const { data } = await must(
      a.sdk.api.POST('/api/v1/messages/conversations', { body: { participantIds: [b.userId] } }),
    );
    for (let m = 0; m < 4; m++) {
      const sender = m % 2 === 0 ? a : b;
      await must(
        sender.sdk.api.POST('/api/v1/messages/conversations/{conversationId}/messages', {
          params: { path: { conversationId: data.id } },
          body: {
            type: 'text',
            body: { text: messageText(pick, pick.datatype.boolean() ? 'fr' : 'en') },
            clientMessageId: `seed${seed}-${i}-${m}`,
          },
        }),
      );
    }
  });
  return { seats, posts };
}

/** Door check-ins at each city's live meetup, then ratings once it has ended. */
export async function seedAttendance(
  stages: Stages,
  seats: { plan: MemberPlan; event: SeededCommunity['events'][number]; code: string | undefined }[],
  sessions: Session[],
  seed: number,
  concurrency: number,
) {
  const attended = seats.filter((s) => s.event.recent && s.code && s.plan.index % 3 !== 0);
  await stages.run('check-ins', attended, concurrency, ({ event, code }) =>
    must(
      event.organizer.sdk.api.POST('/api/v1/events/{id}/check-in', {
        params: { path: { id: event.id } },
        body: { code: code! },
      }),
      [409],
    ),
  );
  const lastEnd = Math.max(0, ...attended.map((s) => s.event.endsAt));
  const wait = lastEnd - Date.now() + 1000;
  if (wait > 0) {
    process.stderr.write(`  waiting ${Math.ceil(wait / 1000)}s for the live meetups to end before rating them\n`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await stages.run('ratings', attended, concurrency, ({ plan, event }) => {
    const pick = fakerFor(seed, `rating:${plan.index}:${event.id}`);
    const score = () => pick.number.int({ min: 3, max: 5 });
    return must(
      sessions[plan.index]!.sdk.api.POST('/api/v1/events/{id}/ratings', {
        params: { path: { id: event.id } },
        body: {
          eventQuality: score(),
          participantQuality: score(),
          exchangeQuality: score(),
          venueQuality: score(),
          organizerPerformance: score(),
        },
      }),
      [409],
    );
  });
}
