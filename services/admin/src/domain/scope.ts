import { problems } from '@diaspora/service-kit';
import type { RoleGrant, UserDirectory } from './ports.js';
import type { Place } from './settings-model.js';

/**
 * What an admin may see and act on: super users everything, ambassadors their country, consuls their city.
 * Always read from the user service's current roles, never from the token alone (a revoked ambassador's token
 * still says "ambassador" until it expires).
 */
export type AdminScope =
  | { kind: 'all' }
  | { kind: 'country'; country: string }
  | { kind: 'city'; country: string; city: string };

export interface Admin {
  id: string;
  roles: string[];
  scope: AdminScope;
  isSuper: boolean;
}

function scopeOf(roles: string[], assignments: RoleGrant[]): AdminScope | null {
  if (roles.includes('super')) return { kind: 'all' };
  const ambassador = assignments.find((grant) => grant.role === 'ambassador' && grant.country);
  if (roles.includes('ambassador') && ambassador) return { kind: 'country', country: ambassador.country };
  const consul = assignments.find((grant) => grant.role === 'consul' && grant.country && grant.city);
  if (roles.includes('consul') && consul) return { kind: 'city', country: consul.country, city: consul.city };
  return null;
}

/** Resolves the caller's admin rights from the user service; 403 for anyone who holds none. */
export async function resolveAdmin(directory: UserDirectory, userId: string): Promise<Admin> {
  const current = await directory.roles(userId);
  const scope = current ? scopeOf(current.roles, current.assignments) : null;
  if (!current || !scope) throw problems.forbidden('The admin dashboard is for super users, ambassadors and consuls.');
  return { id: userId, roles: current.roles, scope, isSuper: scope.kind === 'all' };
}

/** The community filter an admin's reads are limited to (none for super users). */
export function placeOf(scope: AdminScope): Place | undefined {
  if (scope.kind === 'all') return undefined;
  return scope.kind === 'country' ? { country: scope.country } : { country: scope.country, city: scope.city };
}

export function covers(scope: AdminScope, where: { country?: string | null; city?: string | null }): boolean {
  if (scope.kind === 'all') return true;
  if (where.country !== scope.country) return false;
  return scope.kind === 'country' || sameCity(where.city, scope.city);
}

const sameCity = (a: string | null | undefined, b: string) => (a ?? '').trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Narrows a requested community filter to the admin's scope: a super user may ask for anything; an ambassador
 * or consul asking outside their scope gets 403, asking for nothing gets their own scope.
 */
export function narrow(scope: AdminScope, requested: Place): Place {
  if (scope.kind === 'all') return requested;
  const country = requested.country ?? scope.country;
  const city = requested.city ?? (scope.kind === 'city' ? scope.city : undefined);
  if (country !== scope.country || (scope.kind === 'city' && !sameCity(city, scope.city)))
    throw problems.forbidden(
      scope.kind === 'city' ? 'A consul sees their own city only.' : 'An ambassador sees their own country only.',
    );
  return { country, ...(city ? { city } : {}) };
}

/** The moderator identity ContentModeration expects, from the scope the user service confirmed. */
export function moderatorOf(admin: Admin) {
  const { scope } = admin;
  return {
    userId: admin.id,
    roles: admin.roles,
    country: scope.kind === 'all' ? '' : scope.country,
    city: scope.kind === 'city' ? scope.city : '',
  };
}
