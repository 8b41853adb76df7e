import { randomBytes } from 'node:crypto';
import { describe } from 'vitest';
import { describeSearchContract } from './search-contract.js';

const url = process.env.OPENSEARCH_URL;

// A real OpenSearch node (scripts/servers/opensearch.sh in CI); an alias of its own per run.
describe.skipIf(!url)('on OpenSearch', () => {
  describeSearchContract('opensearch', () => ({
    SEARCH_ENGINE: 'opensearch',
    SEARCH_URL: url as string,
    SEARCH_INDEX: `contract-${randomBytes(4).toString('hex')}`,
  }));
});
