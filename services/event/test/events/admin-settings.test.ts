import { AdminSettingsUpdated, type EventData, RoleAppointed } from '@diaspora/events';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consul, deliver, type Harness, startEventService } from '../fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await startEventService({ env: { CONSUL_EVENT_QUOTA: '4' } });
});
afterAll(() => h?.close());

const settings = (quota: number, at: string): EventData<typeof AdminSettingsUpdated> => ({
  settings: {
    freeMessagingDailyQuota: 50,
    consulYearlyQuota: quota,
    reportThreshold: 3,
    wordLists: {},
    sponsoredFeed: { every: 8, items: [] },
  },
  changed: ['consulYearlyQuota'],
  byUserId: 'usr_admin',
  at,
});

describe('platform settings from the admin dashboard', () => {
  it("scores consuls against the admin's yearly quota; an older change arriving late is ignored", async () => {
    const lyon = consul('FR', 'Lyon');
    await deliver(h.service, RoleAppointed, {
      userId: lyon.id,
      role: 'consul',
      country: 'FR',
      city: 'Lyon',
      byUserId: 'usr_ambassador',
      at: new Date().toISOString(),
    });
    await deliver(h.service, AdminSettingsUpdated, settings(6, new Date().toISOString()));
    await deliver(h.service, AdminSettingsUpdated, settings(2, new Date(Date.now() - 60_000).toISOString()));
    await until(
      async () => {
        const { rows } = await h.service.context.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM processed_events WHERE consumer IN ('admin-settings', 'role-appointed')",
        );
        return rows[0]!.n === 3;
      },
      { timeoutMs: 10_000 },
    );
    const card = await h.app.inject({ url: `/api/v1/events/organizers/${lyon.id}/scorecard`, headers: lyon.headers });
    expect(card.statusCode).toBe(200);
    expect(card.json()).toMatchObject({ isConsul: true, quota: 6 });
  });
});
