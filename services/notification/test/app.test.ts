import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startNotificationService } from './fixtures.js';

describe('notification service', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startNotificationService();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('boots and reports ready', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
  });

  it('describes its API: every route of API.md’s Notifications section', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.info.title).toBe('Notification service');
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/v1/notifications/',
      '/api/v1/notifications/devices',
      '/api/v1/notifications/devices/{token}',
      '/api/v1/notifications/preferences',
      '/api/v1/notifications/read-all',
      '/api/v1/notifications/unread-count',
      '/api/v1/notifications/unsubscribe',
      '/api/v1/notifications/{id}/read',
    ]);
  });
});
