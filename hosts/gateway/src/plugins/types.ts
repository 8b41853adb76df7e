import type { IncomingHttpHeaders } from 'node:http';
import type { Cache } from '@diaspora/service-kit';
import type { KongConfig } from '../kong-config.js';
import type { MatchedRoute } from '../router.js';

/** What an access-phase plugin sees and may change; throwing a Problem ends the request with it. */
export interface AccessContext {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  ip: string;
  requestId: string;
  bodyLength: number;
  match: MatchedRoute;
  /** Headers added to the request sent upstream. */
  upstreamHeaders: Record<string, string>;
  /** Headers added to the response sent to the client. */
  responseHeaders: Record<string, string>;
  /** Set by a plugin that answers by itself (CORS preflight); the request is not proxied. */
  shortCircuit?: { status: number; headers: Record<string, string> };
  /** Set by the jwt plugin. */
  consumer?: { username: string; id: string; customId?: string; credential: string };
}

export interface PluginEnvironment {
  config: KongConfig;
  cache: Cache;
}

export interface GatewayPlugin {
  name: string;
  /** Kong's priority: higher runs first. */
  priority: number;
  access(context: AccessContext, config: Record<string, unknown>, scopeId: string): Promise<void>;
}
