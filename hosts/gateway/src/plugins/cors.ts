import type { GatewayPlugin } from './types.js';

const list = (value: unknown, fallback: string[]) => (Array.isArray(value) ? (value as string[]) : fallback);

/** Kong cors: answers preflights itself and decorates every response with the allowed origin. */
export const cors: GatewayPlugin = {
  name: 'cors',
  priority: 2000,
  async access(context, config) {
    const origin = context.headers.origin;
    if (typeof origin !== 'string') return;
    const origins = list(config.origins, ['*']);
    const allowed = origins.includes('*')
      ? config.credentials
        ? origin
        : '*'
      : origins.includes(origin)
        ? origin
        : undefined;
    if (!allowed) return;
    const headers: Record<string, string> = { 'access-control-allow-origin': allowed };
    if (allowed !== '*') headers.vary = 'Origin';
    if (config.credentials) headers['access-control-allow-credentials'] = 'true';
    const preflight = context.method === 'OPTIONS' && context.headers['access-control-request-method'];
    if (preflight && !config.preflight_continue) {
      headers['access-control-allow-methods'] = list(config.methods, [
        'GET',
        'HEAD',
        'PUT',
        'PATCH',
        'POST',
        'DELETE',
      ]).join(',');
      const requested = context.headers['access-control-request-headers'];
      headers['access-control-allow-headers'] = list(config.headers, []).join(',') || String(requested ?? '');
      if (config.max_age) headers['access-control-max-age'] = String(config.max_age);
      context.shortCircuit = { status: 200, headers };
      return;
    }
    const exposed = list(config.exposed_headers, []);
    if (exposed.length) headers['access-control-expose-headers'] = exposed.join(',');
    Object.assign(context.responseHeaders, headers);
  },
};
