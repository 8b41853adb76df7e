/** Rating criteria and the consul quota: pure rules, no I/O. */
export const CRITERIA = [
  'eventQuality',
  'participantQuality',
  'exchangeQuality',
  'venueQuality',
  'organizerPerformance',
] as const;
export type Criterion = (typeof CRITERIA)[number];
export type Scores = Record<Criterion, number>;

export function averageOf(scores: Scores): number {
  return Math.round((CRITERIA.reduce((sum, name) => sum + scores[name], 0) / CRITERIA.length) * 100) / 100;
}

export interface ScorecardInput {
  year: number;
  now: Date;
  held: number;
  scheduled: number;
  quota: number | null;
  /** MM-DD */
  flagDate: string;
}

/**
 * Behind quota: the events held plus those still scheduled this year cannot reach the quota. Flagged: behind
 * quota once the configured day of the year has come (or the year is over).
 */
export function quotaStanding(input: ScorecardInput) {
  const flagDay = new Date(`${input.year}-${input.flagDate}T00:00:00Z`);
  if (input.quota === null) return { behindQuota: false, flagged: false, flagDay };
  const behindQuota = input.held + input.scheduled < input.quota;
  return { behindQuota, flagged: behindQuota && input.now >= flagDay, flagDay };
}
