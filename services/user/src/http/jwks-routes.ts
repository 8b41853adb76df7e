import type { HttpApp, PublicJwk } from '@diaspora/service-kit';
import { Jwks } from './schemas.js';

/** The public keys that verify access tokens: at the service root for peers, under the API prefix for clients. */
export async function jwksRoutes(app: HttpApp, keys: PublicJwk[]): Promise<void> {
  for (const url of ['/.well-known/jwks.json', '/api/v1/users/.well-known/jwks.json']) {
    app.get(
      url,
      { schema: { tags: ['auth'], summary: 'JSON Web Key Set of the token issuer', response: { 200: Jwks } } },
      async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send({ keys }),
    );
  }
}
