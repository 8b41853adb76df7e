import { Problem } from '@diaspora/service-kit';
import { correlationId } from './correlation-id.js';
import { cors } from './cors.js';
import { jwtPlugin } from './jwt.js';
import { rateLimiting } from './rate-limiting.js';
import { requestSizeLimiting } from './request-size-limiting.js';
import type { AccessContext, GatewayPlugin, PluginEnvironment } from './types.js';

export type { AccessContext } from './types.js';
export { allowedBytes } from './request-size-limiting.js';

/** Runs the route's effective plugins in Kong's priority order (the access phase). */
export function createPluginRunner({ config, cache }: PluginEnvironment) {
  const registry = new Map<string, GatewayPlugin>(
    [correlationId, cors, jwtPlugin(config.consumers), requestSizeLimiting, rateLimiting(cache)].map((plugin) => [
      plugin.name,
      plugin,
    ]),
  );
  return async function runAccessPhase(context: AccessContext): Promise<void> {
    const plugins = context.match.plugins
      .map((plugin) => ({ plugin, implementation: registry.get(plugin.name) }))
      .sort((a, b) => (b.implementation?.priority ?? 0) - (a.implementation?.priority ?? 0));
    for (const { plugin, implementation } of plugins) {
      if (!implementation) throw new Problem(500, { detail: `plugin ${plugin.name} is not available` });
      // Counters are per plugin instance: a route-level limit does not share a budget with the global one.
      const { route, service } = context.match;
      const scope = route.plugins?.includes(plugin)
        ? `route:${route.name}`
        : service.plugins?.includes(plugin)
          ? `service:${service.name}`
          : 'global';
      await implementation.access(context, plugin.config ?? {}, scope);
      if (context.shortCircuit) return;
    }
  };
}
