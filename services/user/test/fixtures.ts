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
