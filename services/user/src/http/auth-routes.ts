import { type HttpApp, problemResponses } from '@diaspora/service-kit';
import type { AuthService } from '../domain/auth.js';
import { clientInfo } from './request-context.js';
import { AuthResponse, LoginBody, RefreshBody, RegisterBody } from './schemas.js';

const tags = ['auth'];

export async function authRoutes(app: HttpApp, auth: AuthService): Promise<void> {
  app.post(
    '/api/v1/users/auth/register',
    {
      schema: {
        tags,
        summary: 'Create an account and start a session',
        body: RegisterBody,
        response: { 201: AuthResponse, ...problemResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const { domains = [], ...rest } = request.body;
      return reply.code(201).send(await auth.register({ ...rest, domains }, clientInfo(request)));
    },
  );

  app.post(
    '/api/v1/users/auth/login',
    {
      schema: {
        tags,
        summary: 'Sign in with email and password',
        description:
          'Wrong email and wrong password get the same 401 answer. Repeated failures lock the account and the IP ' +
          'for a growing time (429 with Retry-After), whether or not the account exists. A suspended ' +
          'account gets 403 `account-suspended` (after a correct password).',
        body: LoginBody,
        response: { 200: AuthResponse, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request) => auth.login(request.body.email, request.body.password, clientInfo(request)),
  );

  app.post(
    '/api/v1/users/auth/refresh',
    {
      schema: {
        tags,
        summary: 'Exchange a refresh token for a new token pair',
        description:
          'Each refresh token works once; reusing one revokes its whole session. A suspended account gets 403 ' +
          '`account-suspended`.',
        body: RefreshBody,
        response: { 200: AuthResponse, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => auth.refresh(request.body.refreshToken, clientInfo(request)),
  );

  app.post(
    '/api/v1/users/auth/logout',
    {
      schema: {
        tags,
        summary: 'End the session of a refresh token',
        body: RefreshBody,
        response: { 204: { type: 'null', description: 'Signed out' }, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      await auth.logout(request.body.refreshToken);
      return reply.code(204).send(null);
    },
  );
}
