import type { HttpApp } from '@diaspora/service-kit';
import { startTestService } from '@diaspora/testing';
import { userService } from '../src/app.js';

export const startUserService = (options: Parameters<typeof startTestService>[1] = {}) =>
  startTestService(userService, { ...options, env: { BCRYPT_COST: '4', ...options.env } });

export type UserTestService = Awaited<ReturnType<typeof startUserService>>;

let sequence = 0;

export function registration(overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    email: `member${sequence}-${Date.now()}@example.com`,
    password: 'a long passphrase here',
    displayName: `Member ${sequence}`,
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    languages: ['fr', 'wo'],
    domains: ['ict', 'commerce'],
    ...overrides,
  };
}

export interface Session {
  user: { id: string; email: string };
  accessToken: string;
  refreshToken: string;
}

export async function register(
  app: HttpApp,
  overrides: Record<string, unknown> = {},
): Promise<Session & { password: string }> {
  const body = registration(overrides);
  const response = await app.inject({ method: 'POST', url: '/api/v1/users/auth/register', payload: body });
  if (response.statusCode !== 201) throw new Error(`registration failed: ${response.statusCode} ${response.body}`);
  return { ...(response.json() as Session), password: body.password };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Domain events written to the outbox (what the relay publishes), oldest first. */
export async function outboxEvents<T = Record<string, unknown>>(
  service: UserTestService,
  subject: string,
): Promise<T[]> {
  const { rows } = await service.context.db.query('SELECT envelope FROM outbox WHERE subject = $1 ORDER BY seq', [
    subject,
  ]);
  return rows.map((row) => (row.envelope as { data: T }).data);
}

export async function call(
  app: HttpApp,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  token?: string,
  payload?: unknown,
) {
  return app.inject({
    method,
    url: `/api/v1/users${url}`,
    headers: token ? bearer(token) : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

/** Two members connected through a request and its acceptance. */
export async function connect(app: HttpApp, a: Session, b: Session): Promise<void> {
  const asked = await call(app, 'POST', '/connections', a.accessToken, { userId: b.user.id });
  if (asked.statusCode !== 201) throw new Error(`connection request failed: ${asked.statusCode} ${asked.body}`);
  const accepted = await call(app, 'POST', `/connections/${asked.json().id}/accept`, b.accessToken);
  if (accepted.statusCode !== 200) throw new Error(`accept failed: ${accepted.statusCode} ${accepted.body}`);
}
