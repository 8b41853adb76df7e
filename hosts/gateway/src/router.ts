import type { KongConfig, KongPlugin, KongRoute, KongService } from './kong-config.js';

export interface MatchedRoute {
  service: KongService;
  route: KongRoute;
  /** The path prefix (or regex match) that selected the route, for strip_path. */
  matched: string;
  /** Effective plugins: route beats service beats global, per plugin name. */
  plugins: KongPlugin[];
}

interface CompiledPath {
  service: KongService;
  route: KongRoute;
  prefix?: string;
  regex?: RegExp;
  methods?: Set<string>;
  plugins: KongPlugin[];
}

function effectivePlugins(config: KongConfig, service: KongService, route: KongRoute): KongPlugin[] {
  const byName = new Map<string, KongPlugin>();
  for (const plugin of [...config.plugins, ...(service.plugins ?? []), ...(route.plugins ?? [])]) {
    if (plugin.enabled === false) byName.delete(plugin.name);
    else byName.set(plugin.name, plugin);
  }
  return [...byName.values()];
}

/**
 * Kong's router for path-based routes: regex paths (`~…`) first, then the longest matching prefix. A prefix
 * matches at a segment boundary or anywhere (Kong matches plain prefixes, so `/api/v1/users` matches
 * `/api/v1/users2` too; we follow Kong).
 */
export class Router {
  private readonly paths: CompiledPath[];

  constructor(config: KongConfig) {
    this.paths = config.services.flatMap((service) =>
      service.routes.flatMap((route) =>
        route.paths.map((path) => ({
          service,
          route,
          ...(path.startsWith('~') ? { regex: new RegExp(`^${path.slice(1)}`) } : { prefix: path }),
          ...(route.methods ? { methods: new Set(route.methods.map((method) => method.toUpperCase())) } : {}),
          plugins: effectivePlugins(config, service, route),
        })),
      ),
    );
    this.paths.sort(
      (a, b) => Number(!!b.regex) - Number(!!a.regex) || (b.prefix?.length ?? 0) - (a.prefix?.length ?? 0),
    );
  }

  match(method: string, path: string): MatchedRoute | undefined {
    for (const candidate of this.paths) {
      if (candidate.methods && !candidate.methods.has(method)) continue;
      const matched = candidate.regex
        ? candidate.regex.exec(path)?.[0]
        : path.startsWith(candidate.prefix!)
          ? candidate.prefix
          : undefined;
      if (matched !== undefined) {
        return { service: candidate.service, route: candidate.route, matched, plugins: candidate.plugins };
      }
    }
    return undefined;
  }

  services(): KongService[] {
    return [...new Set(this.paths.map((path) => path.service))];
  }
}

/** The path sent upstream: strip_path removes the matched part; the service URL's own path is prepended. */
export function upstreamPath(match: MatchedRoute, path: string, serviceUrl: string): string {
  // Kong defaults strip_path to true.
  const rest = match.route.strip_path !== false ? path.slice(match.matched.length) || '/' : path;
  return `${basePathOf(serviceUrl)}${rest.startsWith('/') ? rest : `/${rest}`}`;
}

/** A service URL's path without its trailing slash; parsed once per URL, not on every request. */
const basePaths = new Map<string, string>();
function basePathOf(serviceUrl: string): string {
  let base = basePaths.get(serviceUrl);
  if (base === undefined) {
    base = new URL(serviceUrl).pathname.replace(/\/$/, '');
    basePaths.set(serviceUrl, base);
  }
  return base;
}
