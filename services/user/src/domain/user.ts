import { canonicalLanguageTag, type Domain, type FieldError, type Role } from '@diaspora/service-kit';

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
] as const;
export type PrivacyField = (typeof PRIVACY_FIELDS)[number];
export const VISIBILITIES = ['public', 'connections', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
export type Privacy = Record<PrivacyField, Visibility>;

/** Everything public except exact coordinates, which only connections see unless the member says otherwise. */
export const DEFAULT_PRIVACY: Privacy = {
  avatarUrl: 'public',
  bio: 'public',
  originCountry: 'public',
  residenceCountry: 'public',
  residenceCity: 'public',
  coordinates: 'connections',
  languages: 'public',
  domains: 'public',
};

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
  privacy?: Partial<Privacy>;
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
  privacy: Privacy;
  whoCanMessage: MessagePolicy;
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

/**
 * Trims text, puts language tags in canonical BCP-47 form and reports what the JSON schema cannot judge
 * (unknown languages, names that are blank once trimmed). Returns the normalized fields or field errors.
 */
export function normalizeProfile<T extends ProfileChanges>(fields: T): { fields: T; errors: FieldError[] } {
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
