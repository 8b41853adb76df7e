import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { ChatClient, type ChatClientOptions } from './chat.js';
import type { components, paths } from './gen/schema.js';

export * from './chat.js';
export * from './chat-frames.js';
export { DOMAINS, type Domain } from './vocabulary.js';
export type { components, paths };

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export interface DiasporaClientOptions {
  /** The gateway, e.g. http://localhost:8000. */
  baseUrl: string;
  /** Kept between runs by the app (secure storage); called whenever the pair changes, with null on sign-out. */
  onTokens?: (tokens: Tokens | null) => void;
  tokens?: Tokens;
  fetch?: typeof fetch;
  /** Extra headers on every call. */
  headers?: Record<string, string>;
}

const REFRESH_PATH = '/api/v1/users/auth/refresh';

/**
 * The platform's API, typed from its OpenAPI document (`api.GET('/api/v1/events/{id}', …)`), with the sign-in flow
 * written once: the access token goes on every call, a 401 refreshes the pair once (concurrent 401s share one
 * refresh, since a refresh token works once) and retries, and a failed refresh signs out.
 */
export class DiasporaClient {
  readonly api: Client<paths>;
  private tokens: Tokens | undefined;
  private refreshing: Promise<boolean> | undefined;

  constructor(private readonly options: DiasporaClientOptions) {
    this.tokens = options.tokens;
    this.api = createClient<paths>({
      baseUrl: options.baseUrl.replace(/\/$/, ''),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    });
    this.api.use(this.auth());
  }

  get signedIn(): boolean {
    return !!this.tokens;
  }

  get accessToken(): string | undefined {
    return this.tokens?.accessToken;
  }

  /** The chat socket of this member: it connects with the current access token and renews it through `refresh`. */
  chat(options: Pick<ChatClientOptions, 'WebSocket' | 'backoff'> = {}): ChatClient {
    return new ChatClient({
      ...options,
      baseUrl: this.options.baseUrl,
      token: () => this.tokens?.accessToken,
      refreshToken: async () => ((await this.refresh()) ? this.tokens?.accessToken : undefined),
    });
  }

  async login(email: string, password: string) {
    const { data, error, response } = await this.api.POST('/api/v1/users/auth/login', { body: { email, password } });
    if (!data) throw new DiasporaError(response.status, error);
    this.setTokens({ accessToken: data.accessToken, refreshToken: data.refreshToken });
    return data.user;
  }

  /** Creates the account and signs in with the tokens the registration answers (no second password hash). */
  async register(body: paths['/api/v1/users/auth/register']['post']['requestBody']['content']['application/json']) {
    const { data, error, response } = await this.api.POST('/api/v1/users/auth/register', { body });
    if (!data) throw new DiasporaError(response.status, error);
    this.setTokens({ accessToken: data.accessToken, refreshToken: data.refreshToken });
    return data.user;
  }

  async logout(): Promise<void> {
    const refreshToken = this.tokens?.refreshToken;
    if (refreshToken) await this.api.POST('/api/v1/users/auth/logout', { body: { refreshToken } });
    this.setTokens(null);
  }

  /** Trades the refresh token for a new pair; false (and signed out) when the session is over. */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const refreshToken = this.tokens?.refreshToken;
      if (!refreshToken) return false;
      const { data } = await this.api.POST(REFRESH_PATH, { body: { refreshToken } });
      if (!data) {
        this.setTokens(null);
        return false;
      }
      this.setTokens({ accessToken: data.accessToken, refreshToken: data.refreshToken });
      return true;
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private setTokens(tokens: Tokens | null): void {
    this.tokens = tokens ?? undefined;
    this.options.onTokens?.(tokens);
  }

  private auth(): Middleware {
    const retried = new WeakSet<Request>();
    // A body is read once by fetch: a copy is kept to send again after a refresh.
    const copies = new WeakMap<Request, Request>();
    return {
      onRequest: ({ request, schemaPath }) => {
        if (this.tokens && schemaPath !== REFRESH_PATH && !request.headers.has('authorization'))
          request.headers.set('authorization', `Bearer ${this.tokens.accessToken}`);
        if (this.tokens && !schemaPath.startsWith('/api/v1/users/auth/')) copies.set(request, request.clone());
        return request;
      },
      onResponse: async ({ request, response, schemaPath }) => {
        if (response.status !== 401 || schemaPath.startsWith('/api/v1/users/auth/') || retried.has(request)) return;
        const sent = request.headers.get('authorization');
        // Another call may have refreshed meanwhile: retry with the newer token instead of refreshing again.
        const fresh = sent !== `Bearer ${this.tokens?.accessToken}` || (await this.refresh());
        if (!fresh || !this.tokens) return;
        const retry = copies.get(request) ?? request;
        retry.headers.set('authorization', `Bearer ${this.tokens.accessToken}`);
        retried.add(retry);
        return (this.options.fetch ?? fetch)(retry);
      },
    };
  }
}

/** A problem answer (application/problem+json) from the platform. */
export class DiasporaError extends Error {
  constructor(
    readonly status: number,
    readonly problem: unknown,
  ) {
    super(
      `${status}: ${(problem as { detail?: string; title?: string } | undefined)?.detail ?? (problem as { title?: string } | undefined)?.title ?? 'request failed'}`,
    );
  }
}
