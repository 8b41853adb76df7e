import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { Problem } from '@diaspora/service-kit';
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import type { KongConsumer, KongJwtSecret } from '../kong-config.js';
import type { AccessContext, GatewayPlugin } from './types.js';

/** How many distinct verified tokens the gateway remembers (about 1 KB each). */
const VERIFIED_TOKENS = 10_000;

interface VerifiedToken {
  header: ProtectedHeaderParameters;
  payload: JWTPayload;
  /** The `key` of the jwt_secret whose key verified the signature. */
  credential: string;
}

const unauthorized = (detail: string) =>
  new Problem(401, { type: 'invalid-token', detail, headers: { 'www-authenticate': 'Bearer' } });

function findToken(context: AccessContext, config: Record<string, unknown>): string | undefined {
  for (const name of (config.uri_param_names as string[] | undefined) ?? ['jwt']) {
    const value = context.query.get(name);
    if (value) return value;
  }
  const cookies = String(context.headers.cookie ?? '');
  for (const name of (config.cookie_names as string[] | undefined) ?? []) {
    const match = new RegExp(`(?:^|;\\s*)${name}=([^;]+)`).exec(cookies);
    if (match?.[1]) return match[1];
  }
  for (const name of (config.header_names as string[] | undefined) ?? ['authorization']) {
    const value = context.headers[name.toLowerCase()];
    const match = typeof value === 'string' ? /^\s*Bearer\s+(\S+)/i.exec(value) : null;
    if (match?.[1]) return match[1];
  }
  return undefined;
}

/**
 * Kong jwt: finds the token, picks the credential by the `key_claim_name` claim (default `iss`), verifies the
 * signature with that credential and the claims listed in `claims_to_verify`, then tells the upstream who the
 * consumer is. Services verify the token again themselves.
 */
export function jwtPlugin(consumers: KongConsumer[]): GatewayPlugin {
  // Keys are parsed once here, not on every request.
  const credentials = new Map<string, { consumer: KongConsumer; secret: KongJwtSecret; key: KeyObject }>();
  for (const consumer of consumers) {
    for (const secret of consumer.jwt_secrets ?? []) {
      const key = secret.algorithm.startsWith('HS')
        ? createSecretKey(Buffer.from(secret.secret ?? ''))
        : createPublicKey(secret.rsa_public_key ?? '');
      credentials.set(secret.key, { consumer, secret, key });
    }
  }
  // A token whose signature was verified once is verified: a client sends the same token for its whole lifetime,
  // and the signature check was the costliest step of the gateway hop. Its decoded header and claims are kept with
  // it (decoding was next), together with the credential that verified it; claims are still checked every time.
  const verified = new Map<string, VerifiedToken>();
  const remember = (token: string, entry: VerifiedToken) => {
    // Oldest first out (a Map iterates in insertion order), so memory stays bounded under any token churn.
    if (verified.size >= VERIFIED_TOKENS) verified.delete(verified.keys().next().value!);
    verified.set(token, entry);
  };
  return {
    name: 'jwt',
    priority: 1450,
    async access(context, config) {
      if (context.method === 'OPTIONS' && config.run_on_preflight === false) return;
      const token = findToken(context, config);
      if (!token) throw unauthorized('An access token is required.');
      const known = verified.get(token);
      let header: ProtectedHeaderParameters;
      let payload: JWTPayload;
      if (known) ({ header, payload } = known);
      else {
        try {
          header = decodeProtectedHeader(token);
          payload = decodeJwt(token);
        } catch {
          throw unauthorized('Bad token; invalid JSON.');
        }
      }
      const claimName = String(config.key_claim_name ?? 'iss');
      const key = payload[claimName];
      if (typeof key !== 'string') throw unauthorized(`No mandatory '${claimName}' in claims.`);
      const credential = credentials.get(key);
      if (!credential) throw unauthorized(`No credentials found for given '${claimName}'.`);
      const { secret, consumer, key: verificationKey } = credential;
      if (header.alg !== secret.algorithm) throw new Problem(403, { detail: 'Invalid algorithm.' });
      // The credential it was verified with must be the one this route's key claim picks.
      if (known?.credential !== secret.key) {
        try {
          // Signature only: Kong checks exp and nbf only when `claims_to_verify` lists them, which jose's
          // jwtVerify (always checking both) cannot express.
          await compactVerify(token, verificationKey, { algorithms: [secret.algorithm] });
        } catch {
          throw unauthorized('Invalid signature.');
        }
        remember(token, { header, payload, credential: secret.key });
      }
      const claims = (config.claims_to_verify as string[] | undefined) ?? [];
      const now = Math.floor(Date.now() / 1000);
      const invalid = (claim: 'exp' | 'nbf') =>
        claims.includes(claim) && payload[claim] !== undefined && typeof payload[claim] !== 'number';
      if (invalid('exp') || invalid('nbf')) throw unauthorized('Invalid signature.');
      if (claims.includes('exp') && typeof payload.exp === 'number' && now >= payload.exp) {
        throw unauthorized('Token expired.');
      }
      if (claims.includes('nbf') && typeof payload.nbf === 'number' && payload.nbf > now) {
        throw unauthorized('Invalid signature.');
      }
      context.consumer = {
        username: consumer.username,
        id: consumer.id ?? consumer.username,
        ...(consumer.custom_id ? { customId: consumer.custom_id } : {}),
        credential: secret.key,
      };
      context.upstreamHeaders['x-consumer-username'] = consumer.username;
      context.upstreamHeaders['x-consumer-id'] = context.consumer.id;
      if (consumer.custom_id) context.upstreamHeaders['x-consumer-custom-id'] = consumer.custom_id;
      context.upstreamHeaders['x-credential-identifier'] = secret.key;
    },
  };
}
