import { type Api, ApiError, must, type Session } from './api.js';
import type { Stages } from './stages.js';

/**
 * What the newer services hold that does not arise by itself: premium members (through whichever payment provider
 * the platform runs; the local one completes at its checkout page) and a couple of reports for the admin queue.
 * A platform without those services answers 404/502 and the stage is skipped with a note.
 */
export async function seedExtras(
  api: Api,
  stages: Stages,
  sessions: Session[],
  posts: { id: string }[],
  concurrency: number,
) {
  const notes: string[] = [];
  try {
    const { data: plans } = await must(api.sdk(0).api.GET('/api/v1/payments/plans'));
    const plan = plans.items[0]?.id;
    const buyers = sessions.filter((_, i) => i % 20 === 3);
    if (plan)
      await stages.run('premium', buyers, Math.min(concurrency, 4), async (member) => {
        const { status, data } = await must(
          member.sdk.api.POST('/api/v1/payments/subscriptions', { body: { plan, provider: 'stripe' } }),
          [409],
        );
        if (status === 409) return; // already subscribed on an earlier run
        if (!data.checkoutUrl.includes('/local-checkout/')) {
          notes.push('premium: the payment provider is not the local one; checkouts left open');
          return;
        }
        await must(
          member.sdk.api.POST('/api/v1/payments/local-checkout/{sessionId}/complete', {
            params: { path: { sessionId: data.sessionId } },
          }),
          [409],
        );
      });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    notes.push(`premium skipped (${error.message})`);
  }
  const reports = posts.slice(0, 2).map((post, i) => ({ post, by: sessions[(i * 7 + 1) % sessions.length]! }));
  await stages.run('reports', reports, concurrency, ({ post, by }) =>
    must(
      by.sdk.api.POST('/api/v1/content/reports', {
        body: {
          targetType: 'post',
          targetId: post.id,
          reason: 'Looks like spam: the same link posted in many groups.',
        },
      }),
      [409],
    ),
  );
  return notes;
}
