/**
 * How results are ranked, the same on every engine: `score = text × (1 + Σ boosts)`.
 * `text` is the engine's full-text score (ts_rank_cd on PostgreSQL, BM25 on OpenSearch/Elasticsearch; 1 when the
 * search has no words); each boost applies only when its condition holds. README.md explains them to operators.
 */
export const RELEVANCE = {
  /** The document is in the viewer's city (users: residence; events: venue; posts: the author's residence). */
  sameCity: 0.5,
  /** The document's country is the viewer's country of origin (a diaspora member looks for home first). */
  sameOrigin: 0.3,
  /** Posts: × 2^(−age / 7 days), so a post of today adds 0.5, one of last week 0.25. */
  postRecency: { weight: 0.5, halfLifeDays: 7 },
  /** Events not yet started: × 2^(−days until start / 14 days); past events get nothing. */
  eventUpcoming: { weight: 0.5, halfLifeDays: 14 },
  /** Events: × log10(1 + registered count), i.e. +0.1 at 9 registrations, +0.2 at 99, +0.3 at 999. */
  eventPopularity: 0.1,
} as const;
