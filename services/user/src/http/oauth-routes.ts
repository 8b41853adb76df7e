import { CountryCodeSchema, type HttpApp, problemResponses } from '@diaspora/service-kit';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { OAuthLoginService } from '../domain/oauth-login.js';
import { OAUTH_PROVIDERS } from '../domain/oauth-login.js';
import { clientInfo } from './request-context.js';
import { ArrivedAt, AuthResponse, City, DisplayName, Domains, Languages, TimeZone } from './schemas.js';

const COOKIE = 'diaspora_oauth_state';
const COOKIE_PATH = '/api/v1/users/auth/oauth';
const tags = ['oauth'];
const ProviderParam = Type.Object({ provider: Type.Enum([...OAUTH_PROVIDERS]) });

function cookieState(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/**
 * Social sign-in (authorization code + PKCE + state): `start` redirects to the provider and binds the state to
 * this browser with a cookie; the provider redirects back to `callback`.
 */
export async function oauthRoutes(app: HttpApp, oauth: OAuthLoginService, secureCookies: boolean): Promise<void> {
  const attributes = `Path=${COOKIE_PATH}; HttpOnly; SameSite=Lax${secureCookies ? '; Secure' : ''}`;

  app.get(
    '/api/v1/users/auth/oauth/:provider/start',
    {
      schema: {
        tags,
        summary: 'Sign in with Google, Facebook or LinkedIn: redirects to the provider',
        params: ProviderParam,
        response: {
          302: { type: 'null', description: 'Redirect to the provider' },
          ...problemResponses(400, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const { url, state, ttlSeconds } = await oauth.start(request.params.provider);
      return reply
        .header('set-cookie', `${COOKIE}=${state}; Max-Age=${ttlSeconds}; ${attributes}`)
        .redirect(url.href, 302);
    },
  );

  app.get(
    '/api/v1/users/auth/oauth/:provider/callback',
    {
      schema: {
        tags,
        summary: 'Where the provider sends the browser back',
        description:
          '200 with a session when the provider identity is known, or was linked to the account with the same ' +
          'verified email (`linked: true`); 202 with a `signupToken` when the email is new: finish with POST ' +
          '/auth/oauth/signup. 409 when an account uses the email but one side is unverified (no silent linking).',
        params: ProviderParam,
        querystring: Type.Object({
          code: Type.Optional(Type.String({ maxLength: 2048 })),
          state: Type.Optional(Type.String({ maxLength: 512 })),
          error: Type.Optional(Type.String({ maxLength: 256 })),
        }),
        response: {
          200: Type.Object({ ...AuthResponse.properties, linked: Type.Boolean() }),
          202: Type.Object({
            signupToken: Type.String(),
            expiresIn: Type.Integer(),
            profile: Type.Object({
              email: Type.String(),
              emailVerified: Type.Boolean(),
              displayName: Type.String(),
              avatarUrl: Type.Union([Type.String(), Type.Null()]),
              bio: Type.Union([Type.String(), Type.Null()]),
            }),
          }),
          ...problemResponses(400, 404, 409, 422, 502),
        },
      },
    },
    async (request, reply) => {
      const url = new URL(request.url, 'http://callback.invalid');
      const outcome = await oauth.callback(request.params.provider, url, cookieState(request), clientInfo(request));
      reply.header('set-cookie', `${COOKIE}=; Max-Age=0; ${attributes}`);
      if (outcome.kind === 'signup-required') {
        const { kind: _kind, ...body } = outcome;
        return reply.code(202).send(body);
      }
      return { ...outcome.result, linked: outcome.linked };
    },
  );

  app.post(
    '/api/v1/users/auth/oauth/signup',
    {
      schema: {
        tags,
        summary: 'Finish a sign-up started with a provider: give your community fields',
        body: Type.Object(
          {
            signupToken: Type.String({ minLength: 1, maxLength: 200 }),
            displayName: Type.Optional(DisplayName),
            originCountry: CountryCodeSchema,
            residenceCountry: CountryCodeSchema,
            residenceCity: City,
            languages: Languages,
            domains: Type.Optional(Domains),
            timeZone: Type.Optional(TimeZone),
            arrivedAt: Type.Optional(ArrivedAt),
          },
          { additionalProperties: false },
        ),
        response: { 201: AuthResponse, ...problemResponses(400, 409, 410) },
      },
    },
    async (request, reply) => {
      const { signupToken, ...fields } = request.body;
      return reply.code(201).send(await oauth.completeSignup(signupToken, fields, clientInfo(request)));
    },
  );
}
