import { SessionRevoked, SessionStarted } from '@diaspora/events';
import type { Scope } from './ports.js';

/**
 * Announces sessions that ended early (in the transaction that ended them): every service's kit deny-list then
 * refuses their access tokens within seconds, instead of honouring them until they expire.
 */
export async function publishSessionsEnded(
  scope: Scope,
  userId: string,
  sessionIds: string[],
  reason: string,
): Promise<void> {
  const at = new Date().toISOString();
  for (const sessionId of sessionIds) await scope.publish(SessionRevoked, { userId, sessionId, reason, at });
}

/** A member signed in: a new session began (the admin service counts active members from it). */
export async function publishSessionStarted(scope: Scope, userId: string, sessionId: string): Promise<void> {
  await scope.publish(SessionStarted, { userId, sessionId, at: new Date().toISOString() });
}
