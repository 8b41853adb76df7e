import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

/** The part of Kong's DB-less declarative format the dev gateway implements. Anything else is refused. */
export interface KongPlugin {
  name: string;
  config: Record<string, unknown>;
  enabled?: boolean;
}

export interface KongRoute {
  name: string;
  paths: string[];
  methods?: string[];
  strip_path?: boolean;
  plugins?: KongPlugin[];
}

export interface KongService {
  name: string;
  url: string;
  connect_timeout?: number;
  read_timeout?: number;
  write_timeout?: number;
  routes: KongRoute[];
  plugins?: KongPlugin[];
}

export interface KongJwtSecret {
  key: string;
  algorithm: 'RS256' | 'RS512' | 'ES256' | 'HS256' | 'HS384' | 'HS512';
  rsa_public_key?: string;
  secret?: string;
}

export interface KongConsumer {
  username: string;
  custom_id?: string;
  id?: string;
  jwt_secrets?: KongJwtSecret[];
}

export interface KongConfig {
  _format_version: string;
  services: KongService[];
  consumers: KongConsumer[];
  plugins: KongPlugin[];
}

/** Kong's own metrics and traces: production Kong honours them; the dev gateway accepts and skips them. */
export const OBSERVABILITY_PLUGINS = ['prometheus', 'opentelemetry'];
const SUPPORTED_PLUGINS = [
  'correlation-id',
  'cors',
  'jwt',
  'rate-limiting',
  'request-size-limiting',
  ...OBSERVABILITY_PLUGINS,
];

const PLACEHOLDER = /\$\{([A-Z0-9_]+)\}/g;

/** Replaces `${NAME}` in every string value with `env[NAME]`; a missing variable is an error, not an empty key. */
function substitute(node: unknown, env: Record<string, string | undefined>, missing: Set<string>): unknown {
  if (typeof node === 'string') {
    return node.replace(PLACEHOLDER, (_match, name: string) => {
      const value = env[name];
      if (value === undefined) missing.add(name);
      return value ?? '';
    });
  }
  if (Array.isArray(node)) return node.map((item) => substitute(item, env, missing));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, substitute(value, env, missing)]));
  }
  return node;
}

function validate(config: KongConfig): void {
  const problems: string[] = [];
  const routeNames = new Set<string>();
  const checkPlugins = (plugins: KongPlugin[] | undefined, where: string) => {
    for (const plugin of plugins ?? []) {
      if (!SUPPORTED_PLUGINS.includes(plugin.name)) problems.push(`${where}: plugin "${plugin.name}" is not supported`);
    }
  };
  if (!config._format_version?.startsWith('3')) problems.push('_format_version must be 3.x');
  for (const service of config.services ?? []) {
    if (!service.name || !/^https?:\/\//.test(service.url ?? ''))
      problems.push(`service ${service.name}: needs name and http(s) url`);
    checkPlugins(service.plugins, `service ${service.name}`);
    for (const route of service.routes ?? []) {
      if (routeNames.has(route.name)) problems.push(`route ${route.name}: duplicate name`);
      routeNames.add(route.name);
      if (!route.paths?.length) problems.push(`route ${route.name}: needs paths`);
      for (const path of route.paths ?? []) {
        if (!path.startsWith('/') && !path.startsWith('~'))
          problems.push(`route ${route.name}: path ${path} must start with / or ~`);
      }
      checkPlugins(route.plugins, `route ${route.name}`);
    }
  }
  checkPlugins(config.plugins, 'global');
  if (problems.length) throw new Error(`kong.yml is not valid for the dev gateway:\n  - ${problems.join('\n  - ')}`);
}

/** Parses kong.yml, fills `${NAME}` placeholders from `env`, and checks it against what we implement. */
export function loadKongConfig(path: string, env: Record<string, string | undefined>): KongConfig {
  const parsed = parse(readFileSync(path, 'utf8')) as Partial<KongConfig>;
  const missing = new Set<string>();
  const config = substitute({ services: [], consumers: [], plugins: [], ...parsed }, env, missing) as KongConfig;
  if (missing.size) throw new Error(`kong.yml needs environment variables: ${[...missing].join(', ')}`);
  validate(config);
  return config;
}

/** The rendered file Kong itself loads (placeholders filled, everything else unchanged). */
export function renderKongConfig(path: string, env: Record<string, string | undefined>): string {
  return stringify(loadKongConfig(path, env), { lineWidth: 0 });
}
