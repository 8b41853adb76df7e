import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe } from 'vitest';
import { describeSearchContract } from './search-contract.js';

const elasticsearch = process.env.ELASTICSEARCH_URL;
const opensearch = process.env.OPENSEARCH_URL;

/**
 * Where no Elasticsearch runs (this machine; GitHub Actions sets ELASTICSEARCH_URL), the Elasticsearch engine —
 * the official @elastic/elasticsearch client and our mapping of its answers and errors — runs against OpenSearch
 * through a proxy that speaks the client's dialect: plain JSON media types towards the node, and the product
 * header the client insists on in the answers. Everything else is the real client against a real engine.
 */
function dialectProxy(target: string): Promise<{ url: string; server: Server }> {
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const headers = { ...incoming.headers, host: upstream.host };
    for (const name of ['accept', 'content-type'] as const)
      if (headers[name])
        headers[name] = String(headers[name]).replace(
          /application\/vnd\.elasticsearch\+(json|x-ndjson)[^,]*/g,
          'application/$1',
        );
    const forwarded = request(
      { hostname: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-elastic-product': 'Elasticsearch' });
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    ),
  );
}

describe.skipIf(!elasticsearch && !opensearch)('on the Elasticsearch engine', () => {
  const alias = `contract-es-${randomBytes(4).toString('hex')}`;
  let url = elasticsearch ?? '';
  let proxy: Server | undefined;
  beforeAll(async () => {
    if (!elasticsearch) ({ url, server: proxy } = await dialectProxy(opensearch as string));
  });
  afterAll(async () => {
    await fetch(`${elasticsearch ?? opensearch}/${alias}-*`, { method: 'DELETE' }).catch(() => undefined);
    proxy?.close();
  });
  describeSearchContract(elasticsearch ? 'elasticsearch' : 'elasticsearch client against OpenSearch', () => ({
    SEARCH_ENGINE: 'elasticsearch',
    SEARCH_URL: url,
    SEARCH_INDEX: alias,
  }));
});
