import { canonicalLanguageTag, type Domain, type FieldError, type Role } from '@diaspora/service-kit';

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

export type ProfileChanges = Partial<ProfileFields>;

/** A user as the service stores it. */
export interface UserRecord extends ProfileFields {
  id: string;
  email: string;
  emailVerified: boolean;
  phone: string | null;
  phoneVerified: boolean;
  passwordHash: string | null;
  roles: Role[];
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
  };
}

/** What anyone may see of a user (API.md "public view"). */
export function publicView(user: UserRecord) {
  return {
    id: user.id,
    displayName: user.displayName,
    ...(user.avatarUrl ? { avatarUrl: user.avatarUrl } : {}),
    ...(user.bio ? { bio: user.bio } : {}),
    originCountry: user.originCountry,
    residenceCountry: user.residenceCountry,
    residenceCity: user.residenceCity,
    languages: user.languages,
    domains: user.domains,
    roles: user.roles,
    tier: user.tier,
    createdAt: user.createdAt.toISOString(),
  };
}

/** The owner's view: the public view plus contact data and verification state. */
export function ownView(user: UserRecord) {
  return {
    ...publicView(user),
    email: user.email,
    emailVerified: user.emailVerified,
    ...(user.phone ? { phone: user.phone } : {}),
    phoneVerified: user.phoneVerified,
    updatedAt: user.updatedAt.toISOString(),
  };
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
