import { bearerSecurity, callerOf, type HttpApp, problemResponses } from '@diaspora/service-kit';
import { Type } from 'typebox';
import type { AccountSecurityService } from '../domain/account-security.js';
import type { VerificationService } from '../domain/verification.js';
import { clientInfo } from './request-context.js';
import { OwnProfile, Password, PhoneNumber } from './schemas.js';

const tags = ['verification'];
const Accepted = { type: 'null', description: 'Accepted' } as const;
const Done = { type: 'null', description: 'Done' } as const;
const TokenBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

/** Email and phone verification, and the password reset by email (all under the public /auth prefix). */
export async function verificationRoutes(
  app: HttpApp,
  verification: VerificationService,
  security_: AccountSecurityService,
): Promise<void> {
  app.post(
    '/api/v1/users/auth/verify-email',
    {
      schema: {
        tags,
        summary: 'Confirm an email address with the token from the verification email',
        description: 'Each token works once (410 afterwards) and expires (410); unknown tokens are 400.',
        body: TokenBody,
        response: { 204: Done, ...problemResponses(400, 410) },
      },
    },
    async (request, reply) => {
      await verification.verifyEmail(request.body.token);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/users/auth/verify-email/resend',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Send the verification email again',
        description: 'Rate-limited per member (429 with Retry-After); 409 when the address is already verified.',
        response: { 202: Accepted, ...problemResponses(401, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      await verification.resendEmailVerification(callerOf(request).sub);
      return reply.code(202).send(null);
    },
  );

  app.post(
    '/api/v1/users/auth/phone/start',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Send a verification code by SMS',
        body: Type.Object({ phone: PhoneNumber }, { additionalProperties: false }),
        response: { 202: Accepted, ...problemResponses(400, 401, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      await verification.startPhone(callerOf(request).sub, request.body.phone);
      return reply.code(202).send(null);
    },
  );

  app.post(
    '/api/v1/users/auth/phone/verify',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Prove the phone number with the SMS code',
        description:
          'A wrong code is 400 (attempts left in the detail); after the allowed attempts 429 until a new code is ' +
          'asked for; an expired code 410; a number verified on another account 409.',
        body: Type.Object(
          { phone: PhoneNumber, code: Type.String({ pattern: '^[0-9]{4,10}$' }) },
          { additionalProperties: false },
        ),
        response: { 200: OwnProfile, ...problemResponses(400, 401, 409, 410, 429, 503) },
      },
    },
    async (request) => verification.verifyPhone(callerOf(request).sub, request.body.phone, request.body.code),
  );

  app.post(
    '/api/v1/users/auth/password/forgot',
    {
      schema: {
        tags: ['password'],
        summary: 'Email a password reset link',
        description: 'Always 202, whether or not the address has an account; rate-limited per address and per IP.',
        body: Type.Object({ email: Type.String({ format: 'email', maxLength: 254 }) }, { additionalProperties: false }),
        response: { 202: Accepted, ...problemResponses(400, 429) },
      },
    },
    async (request, reply) => {
      await security_.forgotPassword(request.body.email, clientInfo(request).ip);
      return reply.code(202).send(null);
    },
  );

  app.post(
    '/api/v1/users/auth/password/reset',
    {
      schema: {
        tags: ['password'],
        summary: 'Set a new password with the token from the reset email',
        description: 'Signs out every session. The token works once (410 afterwards) and expires (410).',
        body: Type.Object(
          { token: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Password },
          { additionalProperties: false },
        ),
        response: { 204: Done, ...problemResponses(400, 410) },
      },
    },
    async (request, reply) => {
      await security_.resetPassword(request.body.token, request.body.newPassword);
      return reply.code(204).send(null);
    },
  );
}
