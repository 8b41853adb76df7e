// The dev gateway (hosts/gateway: kong/kong.yml's routes and plugins) as a child process that trusts loopback as
// a proxy, so per-member X-Forwarded-For addresses keep each simulated member within its own per-IP limits.
// start-distributed.mjs's gateway trusts no proxy and takes no setting for it; the load benchmark puts this one in
// front of the same distributed services. Env: GATEWAY_PORT, GATEWAY_UPSTREAMS (JSON), CACHE_URL, JWT_PUBLIC_KEY.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './processes.js';

const load = (path: string) => import(pathToFileURL(join(ROOT, path)).href);
const kit = await load('packages/service-kit/dist/index.js');
const { createGateway } = await load('hosts/gateway/dist/index.js');
const logger = kit.createLogger({ service: 'bench-gateway', level: process.env.LOG_LEVEL ?? 'warn' });
const cache = await kit.openCache(process.env.CACHE_URL, { namespace: 'bench-gateway' });
const gateway = await createGateway({
  kongConfigPath: join(ROOT, 'kong/kong.yml'),
  env: process.env,
  upstreams: JSON.parse(process.env.GATEWAY_UPSTREAMS ?? '{}'),
  onlyListedUpstreams: true,
  cache,
  logger,
  trustedProxies: ['loopback'],
});
await gateway.listen({ host: '127.0.0.1', port: Number(process.env.GATEWAY_PORT) });
kit.exitOnSignal(
  async () => {
    await gateway.close();
    await cache.close();
  },
  { logger, timeoutMs: 10_000 },
);
