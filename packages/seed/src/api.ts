import { DiasporaClient } from '@diaspora/sdk';

/**
 * The seed's view of the platform: the typed SDK through the public gateway, one simulated client per member.
 * Each member gets its own client address (X-Forwarded-For from the benchmarking range 198.18.0.0/15), which the
 * gateway honours only when it trusts this machine as a proxy (GATEWAY_TRUSTED_PROXIES=loopback); otherwise every
 * call shares the loopback's per-IP limits and the seed slows down to them, waiting as Retry-After says.
 */
export class ApiError extends Error {
  constructor(
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    const detail = (body as { detail?: string; title?: string } | undefined)?.detail ?? JSON.stringify(body);
    super(`${path} → ${status}: ${detail}`);
  }
}

export interface Session {
  userId: string;
  email: string;
  /** Index of the simulated client (its address). */
  client: number;
  /** The member's SDK client: their tokens (refreshed on a 401) and their address. */
  sdk: DiasporaClient;
}

const MAX_ATTEMPTS = 8;

type Answer<T> = { data?: T; error?: unknown; response: Response };

export class Api {
  /** How many times a rate limit made the seed wait (a hint that the gateway does not trust this machine). */
  throttled = 0;

  constructor(readonly baseUrl: string) {}

  static clientAddress(client: number): string {
    return `198.${18 + ((client >> 16) & 1)}.${(client >> 8) & 255}.${client & 255}`;
  }

  /** An SDK client calling from simulated client `client`'s address (0 is the seed's own). */
  sdk(client: number): DiasporaClient {
    return new DiasporaClient({
      baseUrl: this.baseUrl,
      headers: { 'x-forwarded-for': Api.clientAddress(client) },
      fetch: this.patientFetch,
    });
  }

  /** 429 and 503 are waited out (Retry-After) a few times before the answer is given back. */
  private readonly patientFetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(request.clone());
      if ((response.status !== 429 && response.status !== 503) || attempt >= MAX_ATTEMPTS) return response;
      this.throttled++;
      await response.body?.cancel();
      const retryAfter = Number(response.headers.get('retry-after'));
      const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 250 * 2 ** attempt;
      await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, 61_000)));
    }
  };

  /** A dev-only route outside the public contract (the local mail outbox): plain JSON. */
  async dev<T>(path: string): Promise<T> {
    const response = await this.patientFetch(`${this.baseUrl}${path}`);
    if (!response.ok) throw new ApiError(path, response.status, await response.text());
    return (await response.json()) as T;
  }
}

/** The SDK's answer, or an ApiError; a status in `accept` (409: already there) comes back too, its data unread. */
export async function must<T>(call: Promise<Answer<T>>, accept: number[] = []): Promise<{ status: number; data: T }> {
  const { data, error, response } = await call;
  if (response.ok || accept.includes(response.status)) return { status: response.status, data: data as T };
  throw new ApiError(new URL(response.url).pathname, response.status, error);
}
