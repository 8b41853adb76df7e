import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startAdmin } from './fixtures.js';

describe('admin service', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startAdmin();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('boots and reports ready', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
  });

  it('describes its API, without the dashboard files', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.info.title).toBe('Admin service');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/admin/users', '/api/v1/admin/reports/{id}/resolve', '/api/v1/admin/audit']),
    );
    expect(Object.keys(document.paths).some((path) => path.startsWith('/admin'))).toBe(false);
  });
});
