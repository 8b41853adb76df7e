import { newId } from '@diaspora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarConnection, Delivery, WebhookSubscription } from '../../src/domain/model.js';
import type { IntegrationStore } from '../../src/domain/ports.js';
import { storeTargets } from './targets.js';

const sealed = { keyId: 'k1', wrappedKey: 'd3JhcHBlZA==', ciphertext: 'Y2lwaGVy' };
const at = (iso: string) => new Date(iso);

const subscription = (overrides: Partial<WebhookSubscription> = {}): WebhookSubscription => ({
  id: newId('whk'),
  url: 'https://crm.example/hook',
  events: ['users.user.registered', 'events.>'],
  secret: sealed,
  status: 'active',
  createdBy: 'usr_admin',
  createdAt: at('2026-01-01T00:00:00Z'),
  consecutiveFailures: 0,
  ...overrides,
});

const delivery = (subscriptionId: string, eventId: string, createdAt: Date): Delivery => ({
  id: newId('whd'),
  subscriptionId,
  eventId,
  subject: 'users.user.registered',
  payload: `{"id":"${eventId}"}`,
  status: 'pending',
  attempts: [],
  runAttempts: 0,
  nextAttemptAt: createdAt,
  createdAt,
  updatedAt: createdAt,
});

for (const target of storeTargets()) {
  describe(`integration store contract: ${target.name}`, () => {
    let store: IntegrationStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await target.open());
    });
    afterAll(async () => close?.());

    it('keeps webhook subscriptions, counts failures and disables/enables them', async () => {
      const s = subscription();
      await store.webhooks.create(s);
      expect(await store.webhooks.get(s.id)).toEqual(s);
      expect((await store.webhooks.active()).map((x) => x.id)).toContain(s.id);
      await store.webhooks.recordOutcome(s.id, false, at('2026-01-02T00:00:00Z'));
      const failed = await store.webhooks.recordOutcome(s.id, false, at('2026-01-02T00:01:00Z'));
      expect(failed).toMatchObject({ consecutiveFailures: 2 });
      expect(failed!.lastSuccessAt).toBeUndefined();
      const ok = await store.webhooks.recordOutcome(s.id, true, at('2026-01-02T00:02:00Z'));
      expect(ok).toMatchObject({ consecutiveFailures: 0, lastSuccessAt: at('2026-01-02T00:02:00Z') });
      await store.webhooks.setStatus(s.id, 'disabled', at('2026-01-03T00:00:00Z'));
      expect(await store.webhooks.get(s.id)).toMatchObject({
        status: 'disabled',
        disabledAt: at('2026-01-03T00:00:00Z'),
      });
      expect((await store.webhooks.active()).map((x) => x.id)).not.toContain(s.id);
      await store.webhooks.setStatus(s.id, 'active', at('2026-01-04T00:00:00Z'));
      const back = await store.webhooks.get(s.id);
      expect(back).toMatchObject({ status: 'active' });
      expect(back!.disabledAt).toBeUndefined();
      expect(await store.webhooks.recordOutcome('whk_missing', true, new Date())).toBeUndefined();
    });

    it('creates a delivery once per subscription and event, logs attempts, pages newest first', async () => {
      const s = subscription();
      await store.webhooks.create(s);
      const first = delivery(s.id, 'evt_1', at('2026-02-01T00:00:00Z'));
      expect(await store.deliveries.createOnce(first)).toMatchObject({ created: true, delivery: { id: first.id } });
      const again = await store.deliveries.createOnce({ ...delivery(s.id, 'evt_1', new Date()) });
      expect(again).toMatchObject({ created: false, delivery: { id: first.id } });

      const attemptAt = at('2026-02-01T00:00:01Z');
      await store.deliveries.recordAttempt(
        first.id,
        { at: attemptAt, outcome: 'http-503', statusCode: 503, durationMs: 12, detail: 'busy' },
        { status: 'pending', runAttempts: 1, nextAttemptAt: at('2026-02-01T00:00:06Z') },
      );
      await store.deliveries.recordAttempt(
        first.id,
        { at: at('2026-02-01T00:00:06Z'), outcome: 'ok', statusCode: 200, durationMs: 8 },
        { status: 'succeeded', runAttempts: 2 },
      );
      const stored = await store.deliveries.get(first.id);
      expect(stored).toMatchObject({ status: 'succeeded', runAttempts: 2 });
      expect(stored!.nextAttemptAt).toBeUndefined();
      expect(stored!.attempts).toEqual([
        { at: attemptAt, outcome: 'http-503', statusCode: 503, durationMs: 12, detail: 'busy' },
        { at: at('2026-02-01T00:00:06Z'), outcome: 'ok', statusCode: 200, durationMs: 8 },
      ]);
      await store.deliveries.restart(first.id, at('2026-02-02T00:00:00Z'));
      expect(await store.deliveries.get(first.id)).toMatchObject({ status: 'pending', runAttempts: 0 });

      for (let i = 2; i <= 5; i++)
        await store.deliveries.createOnce(delivery(s.id, `evt_${i}`, at(`2026-02-0${i}T00:00:00Z`)));
      const page1 = await store.deliveries.list(s.id, 3);
      expect(page1.items.map((d) => d.eventId)).toEqual(['evt_5', 'evt_4', 'evt_3']);
      const page2 = await store.deliveries.list(s.id, 3, page1.next);
      expect(page2.items.map((d) => d.eventId)).toEqual(['evt_2', 'evt_1']);
      expect(page2.next).toBeUndefined();

      await store.purgeDeliveriesBefore(at('2026-02-03T12:00:00Z'));
      // evt_1 is pending again (restarted), so it stays; evt_2 and evt_3 are pending too (never attempted).
      expect((await store.deliveries.list(s.id, 10)).items).toHaveLength(5);
      expect(await store.webhooks.delete(s.id)).toBe(true);
      expect(await store.webhooks.delete(s.id)).toBe(false);
      expect(await store.deliveries.get(first.id)).toBeUndefined();
    });

    it('keeps calendar connections and items, exports and erases a member', async () => {
      const userId = newId('usr');
      const connection: CalendarConnection = {
        userId,
        provider: 'apple',
        status: 'active',
        credentials: sealed,
        calendarRef: 'http://dav.example/member1/diaspora/',
        account: 'member1',
        createdAt: at('2026-03-01T00:00:00Z'),
        updatedAt: at('2026-03-01T00:00:00Z'),
      };
      await store.calendars.saveConnection(connection);
      expect(await store.calendars.connection(userId, 'apple')).toEqual(connection);
      await store.calendars.saveConnection({
        ...connection,
        status: 'broken',
        brokenReason: 'password refused',
        updatedAt: at('2026-03-02T00:00:00Z'),
      });
      expect(await store.calendars.connection(userId, 'apple')).toMatchObject({
        status: 'broken',
        brokenReason: 'password refused',
        createdAt: connection.createdAt,
      });
      await store.calendars.saveConnection({ ...connection, syncToken: 'tok1' });
      const healed = await store.calendars.connection(userId, 'apple');
      expect(healed).toMatchObject({ status: 'active', syncToken: 'tok1' });
      expect(healed!.brokenReason).toBeUndefined();
      expect((await store.calendars.activeConnections('apple')).map((c) => c.userId)).toContain(userId);

      const item = {
        userId,
        provider: 'apple' as const,
        eventId: 'evt_a',
        remoteRef: 'http://dav.example/x.ics',
        etag: '"1"',
        syncedAt: at('2026-03-03T00:00:00Z'),
      };
      await store.calendars.saveItem(item);
      await store.calendars.saveItem({ ...item, etag: '"2"' });
      expect(await store.calendars.item(userId, 'apple', 'evt_a')).toEqual({ ...item, etag: '"2"' });
      expect(await store.calendars.itemByRemote(userId, 'apple', item.remoteRef)).toMatchObject({ eventId: 'evt_a' });
      expect((await store.calendars.itemsForEvent('evt_a')).map((i) => i.userId)).toEqual([userId]);

      const exported = (await store.exportUser(userId)) as { calendarConnections: object[]; calendarItems: object[] };
      expect(exported.calendarConnections).toEqual([
        expect.objectContaining({ provider: 'apple', account: 'member1' }),
      ]);
      expect(JSON.stringify(exported)).not.toContain(sealed.ciphertext);
      expect(exported.calendarItems).toHaveLength(1);

      await store.calendars.deleteItem(userId, 'apple', 'evt_a');
      expect(await store.calendars.item(userId, 'apple', 'evt_a')).toBeUndefined();
      await store.calendars.saveItem(item);
      await store.eraseUser(userId);
      expect(await store.calendars.connections(userId)).toEqual([]);
      expect(await store.calendars.items(userId)).toEqual([]);
    });
  });
}
