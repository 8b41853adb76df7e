import { type CursorCodec, cursorBinding, problems } from '@diaspora/service-kit';
import type { AdminReach, CommunityFilter } from './member-ports.js';
import { idPage } from './paging.js';
import type { UnitOfWork } from './ports.js';
import type { ProfileService } from './profile.js';
import type { UserRecord } from './user.js';

const MAX_HASHES = 1000;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const COUNTRY = /^[A-Z]{2}$/;
const MAX_QUERY = 200;
const MAX_WORDS = 8;

/** What an admin's current appointments let them see and act on; null for members without any. */
export function adminReach(actor: UserRecord): AdminReach | null {
  const held = (role: string) => actor.assignments.find((assignment) => assignment.role === role);
  if (held('super')) return { kind: 'all' };
  const ambassador = held('ambassador');
  if (ambassador?.country) return { kind: 'country', country: ambassador.country };
  const consul = held('consul');
  if (consul?.country && consul.city) return { kind: 'city', country: consul.country, city: consul.city };
  return null;
}

export function reachCovers(reach: AdminReach, user: UserRecord): boolean {
  if (reach.kind === 'all') return true;
  if (user.residenceCountry !== reach.country) return false;
  return reach.kind === 'country' || user.residenceCity.toLowerCase() === reach.city.toLowerCase();
}

/** A member as admins see them (no privacy filtering: admins act on the account). The email only for super users. */
export function memberView(user: UserRecord, withEmail: boolean) {
  const scoped = new Map(user.assignments.map((assignment) => [assignment.role as string, assignment]));
  return {
    id: user.id,
    displayName: user.displayName,
    ...(withEmail ? { email: user.email } : {}),
    originCountry: user.originCountry,
    residenceCountry: user.residenceCountry,
    residenceCity: user.residenceCity,
    roles: user.roles as string[],
    assignments: user.roles.map((role) => ({
      role,
      country: scoped.get(role)?.country ?? '',
      city: scoped.get(role)?.city ?? '',
    })),
    tier: user.tier,
    status: user.status,
    ...(user.suspension?.until ? { suspendedUntil: user.suspension.until.toISOString() } : {}),
    ...(user.suspension ? { suspensionReason: user.suspension.reason } : {}),
    createdAt: user.createdAt.toISOString(),
  };
}

function hashes(values: string[], field: string): string[] {
  if (values.length > MAX_HASHES) throw problems.badRequest(`at most ${MAX_HASHES} ${field}`);
  const normalized = values.map((value) => value.trim().toLowerCase());
  const bad = normalized.findIndex((value) => !SHA256_HEX.test(value));
  if (bad >= 0) throw problems.badRequest(`${field}[${bad}] is not a SHA-256 hex digest`);
  return [...new Set(normalized)];
}

function country(value: string, field: string): string {
  if (!COUNTRY.test(value)) throw problems.badRequest(`${field} must be an ISO-3166-1 alpha-2 code`);
  return value;
}

const optionalCountry = (value: string, field: string) => (value ? country(value, field) : null);

interface SearchInput {
  query: string;
  residenceCountry: string;
  residenceCity: string;
  originCountry: string;
  role: string;
  status: string;
}

const ROLES = new Set(['super', 'ambassador', 'consul', 'premium', 'regular']);

/** Directory reads other services make: contact details, community members, contact discovery, admin search. */
export class MemberDirectory {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly profiles: ProfileService,
    private readonly cursors: CursorCodec,
  ) {}

  /** Where and how to reach a member, for one delivery by the notification service. */
  async contactInfo(userId: string) {
    const user = await this.uow.read.users.findById(userId);
    if (!user) throw problems.notFound('user');
    return {
      userId: user.id,
      displayName: user.displayName,
      email: user.email,
      emailVerified: user.emailVerified,
      ...(user.phone ? { phone: user.phone } : {}),
      phoneVerified: user.phoneVerified,
      // Primary subtags, preferred first: what message catalogs are keyed by.
      languages: [...new Set(user.languages.map((tag) => tag.split('-')[0]!.toLowerCase()))],
      timeZone: user.timeZone,
      status: user.status,
    };
  }

  /** Active members of a community, one page in ascending id order. */
  async communityIds(input: CommunityFilter, pageSize: number, pageToken: string) {
    const filter: CommunityFilter = {
      residenceCountry: country(input.residenceCountry, 'residence_country'),
      residenceCity: input.residenceCity?.trim() || null,
      originCountry: optionalCountry(input.originCountry ?? '', 'origin_country'),
      domains: [...new Set(input.domains)].sort(),
    };
    const binding = cursorBinding('community-ids', '', { ...filter, city: filter.residenceCity?.toLowerCase() });
    const fetch = (after: string | null, limit: number) => this.uow.read.members.communityIds(filter, { after, limit });
    const { items, nextCursor } = await idPage(this.cursors, binding, pageToken, pageSize, fetch, (id) => id);
    return { userIds: items, nextPageToken: nextCursor ?? '' };
  }

  /** Contact discovery: who among the viewer's contacts is here, as the viewer may see them. */
  async matchContacts(viewerId: string, emailHashes: string[], phoneHashes: string[]) {
    const emails = hashes(emailHashes, 'email_hashes');
    const phones = hashes(phoneHashes, 'phone_hashes');
    if (!(await this.uow.read.users.findById(viewerId))) throw problems.notFound('user');
    if (!emails.length && !phones.length) return [];
    const ids = await this.uow.read.members.matchContactHashes(viewerId, emails, phones);
    const views = await this.profiles.viewsFor(viewerId, ids, { hideBlocked: true });
    return views.map((view) => ({
      userId: view.id,
      displayName: view.displayName,
      ...(view.avatarUrl ? { avatarUrl: view.avatarUrl } : {}),
    }));
  }

  /** Members the actor's current roles cover, filtered, newest first. */
  async search(actorId: string, input: SearchInput, pageSize: number, pageToken: string) {
    const actor = await this.uow.read.users.findById(actorId);
    const reach = actor && actor.status === 'active' ? adminReach(actor) : null;
    if (!reach) throw problems.forbidden('Only super users, ambassadors and consuls search members.');
    const query = input.query.trim().toLowerCase();
    if (query.length > MAX_QUERY) throw problems.badRequest(`query must be at most ${MAX_QUERY} characters`);
    if (input.role && !ROLES.has(input.role)) throw problems.badRequest(`unknown role "${input.role}"`);
    if (input.status && input.status !== 'active' && input.status !== 'suspended')
      throw problems.badRequest('status must be active or suspended');
    const isSuper = reach.kind === 'all';
    const search = {
      reach,
      words: query.split(/\s+/).filter(Boolean).slice(0, MAX_WORDS),
      emailPrefix: isSuper && query && !/\s/.test(query) ? query : null,
      residenceCountry: optionalCountry(input.residenceCountry, 'residence_country'),
      residenceCity: input.residenceCity.trim() || null,
      originCountry: optionalCountry(input.originCountry, 'origin_country'),
      role: input.role || null,
      status: (input.status || null) as 'active' | 'suspended' | null,
    };
    const { reach: _reach, ...filters } = search;
    const binding = cursorBinding('member-search', actorId, filters);
    const fetch = (after: string | null, limit: number) => this.uow.read.members.search(search, { after, limit });
    const { items, nextCursor } = await idPage(this.cursors, binding, pageToken, pageSize, fetch, (user) => user.id);
    return { members: items.map((user) => memberView(user, isSuper)), nextPageToken: nextCursor ?? '' };
  }
}
