import { canonicalLanguageTag, type Domain, type FieldError, Problem, type Role } from '@diaspora/service-kit';

/** Profile fields that each carry their own visibility (`privacy`). The display name is always public. */
export const PRIVACY_FIELDS = [
  'avatarUrl',
  'bio',
  'originCountry',
  'residenceCountry',
  'residenceCity',
  'coordinates',
  'languages',
  'domains',
  'arrivedAt',
] as const;
export type PrivacyField = (typeof PRIVACY_FIELDS)[number];
export const VISIBILITIES = ['public', 'connections', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
export type Privacy = Record<PrivacyField, Visibility>;

/**
 * Everything public except exact coordinates and the arrival date, which only connections see unless the member
 * says otherwise.
 */
export const DEFAULT_PRIVACY: Privacy = {
  avatarUrl: 'public',
  bio: 'public',
  originCountry: 'public',
  residenceCountry: 'public',
  residenceCity: 'public',
  coordinates: 'connections',
  languages: 'public',
  domains: 'public',
  arrivedAt: 'connections',
};

/** Whether members who hold the member's email or phone number may find them (contact discovery). */
export interface Discoverability {
  findableByEmail: boolean;
  findableByPhone: boolean;
}

type AccountStatus = 'active' | 'suspended';

/** An admin's suspension: login and refresh are refused until it is lifted (by an admin, or when `until` passes). */
interface Suspension {
  reason: string;
  until: Date | null;
  by: string;
  at: Date;
}

/** Who may start a conversation with the member ("who may message me"). */
export const MESSAGE_POLICIES = ['everyone', 'followers', 'connections', 'nobody'] as const;
export type MessagePolicy = (typeof MESSAGE_POLICIES)[number];

export interface Coordinates {
  lat: number;
  lon: number;
}

export type GovernanceRole = 'super' | 'ambassador' | 'consul';

/** An active appointment: ambassador → country; consul → country and city; super → no scope. */
export interface RoleAssignment {
  role: GovernanceRole;
  country: string | null;
  city: string | null;
}

export interface ProfileFields {
  displayName: string;
  bio: string | null;
  avatarUrl: string | null;
  originCountry: string;
  residenceCountry: string;
  residenceCity: string;
  languages: string[];
  domains: Domain[];
}

export type ProfileChanges = Partial<ProfileFields> & {
  coordinates?: Coordinates | null;
  /** IANA time zone name. */
  timeZone?: string;
  /** `YYYY-MM-DD`: when the member arrived in their country of residence; null removes it. */
  arrivedAt?: string | null;
  privacy?: Partial<Privacy>;
  discoverability?: Partial<Discoverability>;
  whoCanMessage?: MessagePolicy;
};

/** A user as the service stores it. */
export interface UserRecord extends ProfileFields {
  id: string;
  email: string;
  emailVerified: boolean;
  phone: string | null;
  phoneVerified: boolean;
  passwordHash: string | null;
  coordinates: Coordinates | null;
  timeZone: string;
  arrivedAt: string | null;
  privacy: Privacy;
  discoverability: Discoverability;
  whoCanMessage: MessagePolicy;
  status: AccountStatus;
  suspension: Suspension | null;
  roles: Role[];
  assignments: RoleAssignment[];
  tier: 'free' | 'premium';
  createdAt: Date;
  updatedAt: Date;
}

/** Where a member belongs in the diaspora graph: what every users.* event carries for feeds and search. */
export function communityFields(user: UserRecord) {
  return {
    userId: user.id,
    displayName: user.displayName,
    originCountry: user.originCountry,
    residenceCountry: user.residenceCountry,
    residenceCity: user.residenceCity,
    languages: user.languages,
    domains: user.domains,
    // Published with its visibility (in `privacy`), like every other per-field-private profile field.
    ...(user.arrivedAt ? { arrivedAt: user.arrivedAt } : {}),
    privacy: { ...user.privacy },
  };
}

/**
 * The country and city an access token carries: the scope of an ambassador (country) or consul (country and
 * city), otherwise the member's residence.
 */
export function tokenScope(user: UserRecord): { country: string; city?: string } {
  const consul = user.assignments.find((assignment) => assignment.role === 'consul');
  if (consul?.country && consul.city) return { country: consul.country, city: consul.city };
  const ambassador = user.assignments.find((assignment) => assignment.role === 'ambassador');
  if (ambassador?.country) return { country: ambassador.country };
  return { country: user.residenceCountry, city: user.residenceCity };
}

const collapse = (text: string) => text.trim().replace(/\s+/g, ' ');

const TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone'));

/** The IANA zone's canonical name, or null when it is not one (offsets like "+01:00" are refused too). */
export function canonicalTimeZone(name: string): string | null {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  // Intl lists the geographic zones; UTC and the Etc/ zones are valid IANA names it leaves out of that list.
  return TIME_ZONES.has(resolved) || /^(UTC|Etc\/[A-Za-z0-9+-]+)$/.test(resolved) ? resolved : null;
}

/** `YYYY-MM-DD` of today in UTC+14, the earliest zone: no member anywhere is told their arrival is "in the future". */
const latestToday = (now: Date) => new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);

function checkArrival(date: string, now: Date): string | null {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date)
    return 'must be a date (YYYY-MM-DD)';
  if (date > latestToday(now)) return 'must not be in the future';
  if (date < '1900-01-01') return 'must be after 1900-01-01';
  return null;
}

/**
 * Trims text, puts language tags in canonical BCP-47 form and reports what the JSON schema cannot judge
 * (unknown languages, names that are blank once trimmed). Returns the normalized fields or field errors.
 */
export function normalizeProfile<T extends ProfileChanges>(
  fields: T,
  now = new Date(),
): { fields: T; errors: FieldError[] } {
  const normalized: ProfileChanges = { ...fields };
  const errors: FieldError[] = [];
  if (fields.displayName !== undefined) {
    normalized.displayName = collapse(fields.displayName);
    if (!normalized.displayName) errors.push({ field: 'displayName', message: 'must not be blank' });
  }
  if (fields.residenceCity !== undefined) {
    normalized.residenceCity = collapse(fields.residenceCity);
    if (!normalized.residenceCity) errors.push({ field: 'residenceCity', message: 'must not be blank' });
  }
  if (fields.bio !== undefined) normalized.bio = fields.bio?.trim() || null;
  if (fields.timeZone !== undefined) {
    const zone = canonicalTimeZone(fields.timeZone.trim());
    if (zone) normalized.timeZone = zone;
    else errors.push({ field: 'timeZone', message: `"${fields.timeZone}" is not an IANA time zone` });
  }
  if (fields.arrivedAt) {
    const problem = checkArrival(fields.arrivedAt, now);
    if (problem) errors.push({ field: 'arrivedAt', message: problem });
  }
  if (fields.languages !== undefined) {
    const canonical = fields.languages.map((tag, index) => {
      const tagOk = canonicalLanguageTag(tag);
      if (!tagOk) errors.push({ field: `languages[${index}]`, message: `"${tag}" is not a known BCP-47 language tag` });
      return tagOk ?? tag;
    });
    normalized.languages = [...new Set(canonical)];
  }
  return { fields: normalized as T, errors };
}

/** Login and refresh of a suspended member: 403 `account-suspended`, saying until when. */
export function accountSuspended(user: UserRecord): Problem {
  const until = user.suspension?.until;
  return new Problem(403, {
    type: 'account-suspended',
    detail: until
      ? `This account is suspended until ${until.toISOString()}.`
      : 'This account is suspended; contact the community team.',
    extensions: until ? { suspendedUntil: until.toISOString() } : {},
  });
}
