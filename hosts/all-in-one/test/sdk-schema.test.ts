import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedSchema, renderSchema } from '../../../packages/sdk/scripts/schema.mjs';
import { testPlatform } from './fixtures.js';

const platform = testPlatform('sdk-schema');
beforeAll(() => platform.boot(), 120_000);
afterAll(() => platform.dispose(), 60_000);

describe('the SDK’s committed schema', () => {
  it('is what the platform serves: a route changed without regenerating fails here', async () => {
    const document = await platform.api('GET', '/openapi.json');
    expect(document.body['x-unavailable-services']).toEqual([]);
    const served = await renderSchema(document.body);
    // Compared whole, but reported as a short hint rather than an 800 kB diff.
    const committed = committedSchema();
    if (served !== committed) {
      const lines = [served.split('\n'), committed.split('\n')] as const;
      const at = lines[0].findIndex((line, i) => line !== lines[1][i]);
      expect.fail(
        `packages/sdk/src/gen/schema.ts is stale from line ${at + 1} (${JSON.stringify(lines[0][at])} served, ` +
          `${JSON.stringify(lines[1][at])} committed): start the platform and run node packages/sdk/scripts/generate.mjs http://localhost:8000`,
      );
    }
  }, 60_000);
});
