import { startTestService } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrationService } from '../src/app.js';

describe('integration service', () => {
  let service: Awaited<ReturnType<typeof startTestService<typeof integrationService.config>>>;

  beforeAll(async () => {
    service = await startTestService(integrationService, {
      env: { INTEGRATION_ENCRYPTION_KEY: 'integration-test-key-0123456789abcdefghij' },
    });
  });
  afterAll(async () => {
    await service?.close();
  });

  it('boots and reports ready', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
  });

  it('refuses to boot without an encryption key (or DATA_DIR to keep a generated one)', async () => {
    await expect(startTestService(integrationService, { workers: false })).rejects.toThrow(
      /INTEGRATION_ENCRYPTION_KEY/,
    );
  });

  it('describes its API', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.json().info.title).toBe('Integration service');
  });
});
