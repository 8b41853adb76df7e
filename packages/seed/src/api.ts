/**
 * The seed's view of the platform: JSON calls through the public gateway, as one simulated client per member.
 * Each member gets its own client address (X-Forwarded-For from the benchmarking range 198.18.0.0/15), which the
 * gateway honours only when it trusts this machine as a proxy (GATEWAY_TRUSTED_PROXIES=loopback); otherwise every
 * call shares the loopback's per-IP limits and the seed slows down to them, waiting as Retry-After says.
 */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    const detail = (body as { detail?: string; title?: string } | undefined)?.detail ?? JSON.stringify(body);
    super(`${method} ${path} → ${status}: ${detail}`);
  }
}

export interface Session {
  userId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  /** Index of the simulated client (its address). */
  client: number;
}

const MAX_ATTEMPTS = 8;

/** Calls the platform; 429 and 503 are waited out (Retry-After) a few times before giving up. */
export class Api {
  /** How many times a rate limit made the seed wait (a hint that the gateway does not trust this machine). */
  throttled = 0;

  constructor(readonly baseUrl: string) {}

  static clientAddress(client: number): string {
    return `198.${18 + ((client >> 16) & 1)}.${(client >> 8) & 255}.${client & 255}`;
  }

  async call<T = unknown>(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; client?: number; accept?: number[] } = {},
  ): Promise<{ status: number; body: T }> {
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          'x-forwarded-for': Api.clientAddress(options.client ?? 0),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      const text = await response.text();
      const body = (text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T;
      if ((response.status === 429 || response.status === 503) && attempt < MAX_ATTEMPTS) {
        this.throttled++;
        const retryAfter = Number(response.headers.get('retry-after'));
        const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 250 * 2 ** attempt;
        await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, 61_000)));
        continue;
      }
      if (response.ok || options.accept?.includes(response.status)) return { status: response.status, body };
      throw new ApiError(method, path, response.status, body);
    }
  }

  /** A member's call: their token and their client address. */
  as<T = unknown>(session: Session, method: string, path: string, body?: unknown, accept?: number[]) {
    return this.call<T>(method, path, {
      token: session.accessToken,
      client: session.client,
      ...(body === undefined ? {} : { body }),
      ...(accept ? { accept } : {}),
    });
  }
}
