import { startTestService } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminService } from '../src/app.js';

describe('admin service', () => {
  let service: Awaited<ReturnType<typeof startTestService<typeof adminService.config>>>;

  beforeAll(async () => {
    service = await startTestService(adminService);
  });
  afterAll(async () => {
    await service?.close();
  });

  it('boots and reports ready', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
  });

  it('describes its API', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.json().info.title).toBe('Admin service');
  });
});
