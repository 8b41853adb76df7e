import type { PrivacyField, UserRecord, Visibility } from './user.js';

/** How the viewer relates to the member whose profile is read; decides which private fields show. */
export type ViewerRelation = 'self' | 'connection' | 'other';

const LEVEL: Record<Visibility, number> = { public: 0, connections: 1, private: 2 };
const CLEARANCE: Record<ViewerRelation, number> = { other: 0, connection: 1, self: 2 };

export function canSee(user: UserRecord, field: PrivacyField, relation: ViewerRelation): boolean {
  return LEVEL[user.privacy[field]] <= CLEARANCE[relation];
}

/**
 * What a viewer may see of a user (API.md "public view"): fields the owner hides from this viewer are left out.
 * Every read path (HTTP, lists, gRPC) goes through here.
 */
export function publicView(user: UserRecord, relation: ViewerRelation) {
  const show = (field: PrivacyField) => canSee(user, field, relation);
  return {
    id: user.id,
    displayName: user.displayName,
    ...(user.avatarUrl && show('avatarUrl') ? { avatarUrl: user.avatarUrl } : {}),
    ...(user.bio && show('bio') ? { bio: user.bio } : {}),
    ...(show('originCountry') ? { originCountry: user.originCountry } : {}),
    ...(show('residenceCountry') ? { residenceCountry: user.residenceCountry } : {}),
    ...(show('residenceCity') ? { residenceCity: user.residenceCity } : {}),
    ...(user.coordinates && show('coordinates') ? { coordinates: { ...user.coordinates } } : {}),
    ...(show('languages') ? { languages: user.languages } : {}),
    ...(show('domains') ? { domains: user.domains } : {}),
    ...(user.arrivedAt && show('arrivedAt') ? { arrivedAt: user.arrivedAt } : {}),
    roles: user.roles,
    tier: user.tier,
    createdAt: user.createdAt.toISOString(),
  };
}

export type PublicView = ReturnType<typeof publicView>;

/**
 * The owner's view: every field, plus contact data, verification state, time zone and privacy settings (per-field
 * visibility and whether others may find them by email or phone).
 */
export function ownView(user: UserRecord) {
  return {
    ...publicView(user, 'self'),
    email: user.email,
    emailVerified: user.emailVerified,
    ...(user.phone ? { phone: user.phone } : {}),
    phoneVerified: user.phoneVerified,
    hasPassword: user.passwordHash !== null,
    timeZone: user.timeZone,
    privacy: { ...user.privacy, ...user.discoverability },
    whoCanMessage: user.whoCanMessage,
    updatedAt: user.updatedAt.toISOString(),
  };
}

export type OwnView = ReturnType<typeof ownView>;
