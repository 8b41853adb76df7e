import type { AccessClaims } from '@diaspora/service-kit';
import { problems } from '@diaspora/service-kit';
import { type Community, cityKey, isVisibleState, type Post, type Viewer } from './model.js';
import type { Audience, ModerationScope } from './ports.js';

/** What the social graph says about a viewer and an author. */
export interface Relation {
  connected: boolean;
  /** Either one blocked the other. */
  blocked: boolean;
}

/** Whether the post's audience includes this viewer (state, deletion and blocks aside). */
export function audienceIncludes(post: Post, viewer: Viewer, relation: Relation): boolean {
  if (post.authorId === viewer.id) return true;
  switch (post.visibility) {
    case 'public':
      return true;
    case 'connections':
      return relation.connected;
    case 'country':
      return Boolean(post.originCountry) && post.originCountry === viewer.originCountry;
    case 'city':
      return (
        Boolean(post.residenceCity) &&
        post.residenceCountry === viewer.residenceCountry &&
        cityKey(post.residenceCity) === cityKey(viewer.residenceCity)
      );
  }
}

/** Readable by this viewer: the author always; others when visible, not deleted, not blocked, in the audience. */
export function canRead(post: Post, viewer: Viewer, relation: Relation): boolean {
  if (post.deletedAt) return false;
  if (post.authorId === viewer.id) return true;
  return isVisibleState(post.moderation.state) && !relation.blocked && audienceIncludes(post, viewer, relation);
}

export function audienceOf(viewer: Viewer): Audience {
  return {
    ...(viewer.originCountry ? { originCountry: viewer.originCountry } : {}),
    ...(viewer.residenceCountry ? { residenceCountry: viewer.residenceCountry } : {}),
    ...(cityKey(viewer.residenceCity) ? { cityKey: cityKey(viewer.residenceCity)! } : {}),
  };
}

/** A moderator's reach, from the access token (or the admin service's gRPC call): who may decide on what. */
export interface ModeratorIdentity {
  userId: string;
  roles: string[];
  country?: string;
  city?: string;
}

export function moderatorFromClaims(claims: AccessClaims): ModeratorIdentity {
  return {
    userId: claims.sub,
    roles: claims.roles,
    ...(claims.country ? { country: claims.country } : {}),
    ...(claims.city ? { city: claims.city } : {}),
  };
}

/**
 * super: everything. ambassador: content written by members living in, or originating from, their country.
 * consul: content written in their city (of their country). Anyone else: 403.
 */
export function moderationScope(moderator: ModeratorIdentity): ModerationScope {
  if (moderator.roles.includes('super')) return {};
  if (moderator.roles.includes('ambassador') && moderator.country)
    return { countries: { country: moderator.country, originToo: true } };
  if (moderator.roles.includes('consul') && moderator.country && cityKey(moderator.city))
    return { city: { country: moderator.country, cityKey: cityKey(moderator.city)! } };
  throw problems.forbidden('Moderation is for super users, ambassadors (their country) and consuls (their city).');
}

export function inScope(scope: ModerationScope, item: Community): boolean {
  if (scope.countries) {
    const { country, originToo } = scope.countries;
    return item.residenceCountry === country || (originToo && item.originCountry === country);
  }
  if (scope.city)
    return item.residenceCountry === scope.city.country && cityKey(item.residenceCity) === scope.city.cityKey;
  return true;
}
