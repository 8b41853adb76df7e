import { createLogger } from '@diaspora/service-kit';
import { describe, expect, it } from 'vitest';
import type { CalendarSync } from '../../src/domain/calendars.js';
import type { CalendarConnection } from '../../src/domain/model.js';
import type { GoogleConnector, IntegrationStore } from '../../src/domain/ports.js';
import { TwoWaySync } from '../../src/domain/two-way-sync.js';

const connection = { userId: 'usr_free', provider: 'google', status: 'active' } as unknown as CalendarConnection;

describe('TwoWaySync', () => {
  it('pulls nothing for a member who is not premium (tier from the user service)', async () => {
    const pulled: string[] = [];
    const sync = new TwoWaySync({
      store: { calendars: { activeConnections: async () => [connection] } } as unknown as IntegrationStore,
      open: () => '{}',
      google: {
        changes: async (c: CalendarConnection) => {
          pulled.push(c.userId);
          return { changes: [] };
        },
      } as unknown as GoogleConnector,
      events: {
        get: async () => undefined,
        updateAsOrganizer: async () => undefined,
        cancelAsOrganizer: async () => undefined,
      },
      tiers: { tierOf: async (userId) => (userId === 'usr_free' ? 'free' : 'premium') },
      calendars: {} as CalendarSync,
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    expect(await sync.pullAll()).toEqual({ applied: 0 });
    expect(pulled).toEqual([]);
  });
});
