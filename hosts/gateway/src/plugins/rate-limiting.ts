import { type Cache, problems, RateLimiter } from '@diaspora/service-kit';
import type { AccessContext, GatewayPlugin } from './types.js';

const WINDOWS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  month: 2_592_000_000,
  year: 31_536_000_000,
};

function identifier(context: AccessContext, config: Record<string, unknown>): string {
  switch (config.limit_by) {
    case 'consumer':
      return context.consumer?.id ?? context.ip;
    case 'credential':
      return context.consumer?.credential ?? context.ip;
    case 'service':
      return context.match.service.name;
    case 'header':
      return String(context.headers[String(config.header_name ?? '').toLowerCase()] ?? context.ip);
    case 'path':
      return context.path;
    default:
      return context.ip;
  }
}

/**
 * Kong rate-limiting: fixed windows per configured period, counted on the cache port (memory for `local`,
 * Redis when the gateway's cache is Redis), Kong's headers, 429 with Retry-After when any window is exhausted.
 */
export function rateLimiting(cache: Cache): GatewayPlugin {
  const limiters = new Map<string, RateLimiter>();
  const limiter = (scope: string, window: string, limit: number) => {
    const key = `${scope}:${window}:${limit}`;
    let found = limiters.get(key);
    if (!found) {
      found = new RateLimiter(cache, { name: `${scope}:${window}`, limit, windowMs: WINDOWS[window]! });
      limiters.set(key, found);
    }
    return found;
  };
  return {
    name: 'rate-limiting',
    priority: 910,
    async access(context, config, scopeId) {
      const subject = identifier(context, config);
      const windows = Object.keys(WINDOWS).filter((window) => typeof config[window] === 'number');
      let decisions: { window: string; allowed: boolean; limit: number; remaining: number; resetMs: number }[];
      try {
        decisions = await Promise.all(
          windows.map(async (window) => ({
            window,
            ...(await limiter(scopeId, window, config[window] as number).hit(subject)),
          })),
        );
      } catch (error) {
        if (config.fault_tolerant === false) throw error;
        return; // Kong's fault_tolerant: a broken counter store lets traffic through
      }
      if (decisions.length === 0) return;
      const tightest = decisions.reduce((a, b) => (b.remaining < a.remaining ? b : a));
      const headers: Record<string, string> = {};
      if (!config.hide_client_headers) {
        for (const decision of decisions) {
          headers[`x-ratelimit-limit-${decision.window}`] = String(decision.limit);
          headers[`x-ratelimit-remaining-${decision.window}`] = String(decision.remaining);
        }
        headers['ratelimit-limit'] = String(tightest.limit);
        headers['ratelimit-remaining'] = String(tightest.remaining);
        headers['ratelimit-reset'] = String(Math.ceil(tightest.resetMs / 1000));
      }
      const exceeded = decisions.filter((decision) => !decision.allowed);
      if (exceeded.length) {
        const retryAfter = Math.max(...exceeded.map((decision) => decision.resetMs)) / 1000;
        const problem = problems.tooManyRequests(
          retryAfter,
          `API rate limit exceeded (${exceeded.map((d) => `${d.limit} per ${d.window}`).join(', ')}).`,
        );
        Object.assign(problem.headers, headers);
        throw problem;
      }
      Object.assign(context.responseHeaders, headers);
    },
  };
}
