import { Problem } from '@diaspora/service-kit';
import { type KongRoute, OBSERVABILITY_PLUGINS } from '../kong-config.js';
import type { MatchedRoute } from '../router.js';
import { correlationId } from './correlation-id.js';
import { cors } from './cors.js';
import { jwtPlugin } from './jwt.js';
import { rateLimiting } from './rate-limiting.js';
import { requestSizeLimiting } from './request-size-limiting.js';
import type { AccessContext, GatewayPlugin, PluginEnvironment } from './types.js';

export { allowedBytes } from './request-size-limiting.js';
export type { AccessContext } from './types.js';

/** Runs the route's effective plugins in Kong's priority order (the access phase). */
export function createPluginRunner({ config, cache }: PluginEnvironment) {
  const registry = new Map<string, GatewayPlugin>(
    [correlationId, cors, jwtPlugin(config.consumers), requestSizeLimiting, rateLimiting(cache)].map((plugin) => [
      plugin.name,
      plugin,
    ]),
  );
  // The ordered chain of each route is built once, on its first request.
  const chains = new WeakMap<
    KongRoute,
    { implementation: GatewayPlugin; config: Record<string, unknown>; scope: string }[]
  >();
  const chainOf = ({ route, service, plugins }: MatchedRoute) => {
    let chain = chains.get(route);
    if (!chain) {
      chain = plugins
        // The services' own metrics and traces stand in for Kong's here.
        .filter((plugin) => !OBSERVABILITY_PLUGINS.includes(plugin.name))
        .map((plugin) => {
          const implementation = registry.get(plugin.name);
          if (!implementation) throw new Problem(500, { detail: `plugin ${plugin.name} is not available` });
          // Counters are per plugin instance: a route-level limit does not share a budget with the global one.
          const scope = route.plugins?.includes(plugin)
            ? `route:${route.name}`
            : service.plugins?.includes(plugin)
              ? `service:${service.name}`
              : 'global';
          return { implementation, config: plugin.config ?? {}, scope };
        })
        .sort((a, b) => b.implementation.priority - a.implementation.priority);
      chains.set(route, chain);
    }
    return chain;
  };
  return async function runAccessPhase(context: AccessContext): Promise<void> {
    for (const { implementation, config, scope } of chainOf(context.match)) {
      await implementation.access(context, config, scope);
      if (context.shortCircuit) return;
    }
  };
}
