import { AdminSettingsUpdated, type EventData } from '@diaspora/events';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Member, member, publish, startContent } from '../fixtures.js';

const author = member({ displayName: 'Author', originCountry: 'CM', residenceCountry: 'FR', residenceCity: 'Lyon' });
const reader = member({ displayName: 'Reader', originCountry: 'CM', residenceCountry: 'FR', residenceCity: 'Lyon' });
let ctx: Awaited<ReturnType<typeof startContent>>;
beforeAll(async () => {
  ctx = await startContent([author, reader], { REPORT_HIDE_THRESHOLD: '3' });
});
afterAll(() => ctx?.close());

const call = (method: string, url: string, who: Member, payload?: object) =>
  ctx.app.inject({ method: method as 'GET', url, headers: bearer(who), ...(payload ? { payload } : {}) });

const settings = (at: string, changed: string[]): EventData<typeof AdminSettingsUpdated> => ({
  settings: {
    freeMessagingDailyQuota: 50,
    consulYearlyQuota: 4,
    reportThreshold: 1,
    wordLists: { fr: ['arnaque'] },
    sponsoredFeed: { every: 2, items: [{ id: 'ad-admin', title: 'Diaspora bank', url: 'https://bank.example' }] },
  },
  changed,
  byUserId: 'usr_admin',
  at,
});

describe('platform settings from the admin dashboard', () => {
  it("hides content at the admin's report threshold, shows their sponsored items, holds their listed words", async () => {
    await publish(
      ctx.service,
      AdminSettingsUpdated,
      settings(new Date().toISOString(), ['reportThreshold', 'sponsoredFeed', 'wordLists']),
      {
        source: 'admin',
      },
    );
    await until(async () => {
      const { rows } = await ctx.service.context.db.query(
        "SELECT 1 FROM platform_settings WHERE name = 'reportThreshold'",
      );
      return rows.length === 1;
    });
    const post = (
      await call('POST', '/api/v1/content/posts', author, { text: 'A post to report', visibility: 'public' })
    ).json();
    expect(
      (await call('POST', '/api/v1/content/reports', reader, { targetType: 'post', targetId: post.id, reason: 'spam' }))
        .statusCode,
    ).toBe(201);
    expect((await call('GET', `/api/v1/content/posts/${post.id}`, reader)).statusCode).toBe(404);

    const scam = await call('POST', '/api/v1/content/posts', author, {
      text: 'Une belle arnaque en vue',
      language: 'fr',
      visibility: 'public',
    });
    expect(scam.json()).toMatchObject({ moderationState: 'held' });

    for (const text of ['one', 'two', 'three'])
      await call('POST', '/api/v1/content/posts', author, { text: `Post ${text}`, visibility: 'public' });
    const feed = await until(async () => {
      const page = (await call('GET', '/api/v1/content/feed?section=posts', reader)).json();
      return page.items?.some((item: { type: string }) => item.type === 'sponsored') && page;
    });
    expect(feed.items.find((item: { type: string }) => item.type === 'sponsored')).toMatchObject({
      sponsored: { id: 'ad-admin' },
    });
  });
});
