import { randomBytes } from 'node:crypto';
import { afterAll, describe } from 'vitest';
import { describeSearchContract } from './search-contract.js';

const url = process.env.OPENSEARCH_URL;

// A real OpenSearch node (scripts/servers/opensearch.sh in CI); an alias of its own per run, removed after.
describe.skipIf(!url)('on OpenSearch', () => {
  const alias = `contract-${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    await fetch(`${url}/${alias}-*`, { method: 'DELETE' }).catch(() => undefined);
  });
  describeSearchContract('opensearch', () => ({
    SEARCH_ENGINE: 'opensearch',
    SEARCH_URL: url as string,
    SEARCH_INDEX: alias,
  }));
});
