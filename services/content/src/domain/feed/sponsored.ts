import { createHash } from 'node:crypto';
import type { Viewer } from '../model.js';

export interface SponsoredItem {
  id: string;
  title: string;
  body?: string;
  url: string;
  imageUrl?: string;
  countries?: string[];
  languages?: string[];
}

/**
 * Sponsored items for free-tier feeds, from a configured list (SPONSORED_FEED): one after every `every` posts,
 * chosen among those targeting the viewer's countries and languages, rotating deterministically with the page.
 * Premium members (tier "premium") get none: the ad-free promise of the subscription.
 */
export class SponsoredSource {
  constructor(private readonly config: { every: number; items: SponsoredItem[] } | undefined) {}

  /** Sponsored items to weave into a page of `postCount` posts, keyed by the post index they follow. */
  forPage(viewer: Viewer, postCount: number, seed: string): Map<number, SponsoredItem> {
    const placed = new Map<number, SponsoredItem>();
    if (!this.config || viewer.tier === 'premium') return placed;
    const countries = [viewer.originCountry, viewer.residenceCountry].filter(Boolean) as string[];
    const eligible = this.config.items.filter(
      (item) =>
        (!item.countries?.length || item.countries.some((country) => countries.includes(country))) &&
        (!item.languages?.length ||
          viewer.languages.length === 0 ||
          item.languages.some((language) => viewer.languages.includes(language))),
    );
    if (eligible.length === 0) return placed;
    const start = createHash('sha256').update(`${viewer.id}:${seed}`).digest().readUInt32BE(0);
    let n = 0;
    for (let after = this.config.every - 1; after < postCount; after += this.config.every)
      placed.set(after, eligible[(start + n++) % eligible.length]!);
    return placed;
  }
}
