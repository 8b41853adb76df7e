/**
 * A case of the moderation queue: everything reported or flagged about one target (post, comment, chat message,
 * member) until a moderator decides. States: `open` → `resolved` (a decision) → `open` again once if the author
 * appeals → `resolved` (final). New reports of a target whose case is resolved open a new case.
 */
export type CaseTarget = 'post' | 'comment' | 'message' | 'user';
export type CaseStatus = 'open' | 'resolved';
export const CASE_ACTIONS = ['dismiss', 'takedown', 'restore', 'warn', 'suspend'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export interface Resolution {
  action: CaseAction;
  by: string;
  at: Date;
  reason: string;
  /** The decision answers the author's appeal: final. */
  appeal: boolean;
}

export interface CaseRecord {
  id: string;
  targetType: CaseTarget;
  targetId: string;
  authorId: string | null;
  status: CaseStatus;
  reportCount: number;
  score: number;
  labels: string[];
  flagSource: string | null;
  country: string | null;
  originCountry: string | null;
  city: string | null;
  evidence: Record<string, unknown> | null;
  openedAt: Date;
  lastSignalAt: Date;
  priority: number;
  resolution: Resolution | null;
  resolvedAt: Date | null;
  appeal: { by: string; statement: string; at: Date } | null;
}

/** One thing that puts a target in the queue: a member's report, or the content filter / report threshold. */
export interface CaseSignal {
  targetType: CaseTarget;
  targetId: string;
  authorId?: string;
  report?: { id: string; reporterId: string; reason: string };
  flag?: { source: string; score?: number; labels?: string[] };
  place?: { country?: string; originCountry?: string; city?: string };
  evidence?: Record<string, unknown>;
  at: Date;
}

/**
 * Queue rank: reports weigh most (each distinct reporter), the filter's score adds up to 5, and items the filter
 * held (invisible until decided) come first among equals. Age breaks ties, oldest first.
 */
export function priorityOf(reportCount: number, score: number, flagSource: string | null): number {
  return reportCount + 5 * Math.min(Math.max(score, 0), 1) + (flagSource === 'held' ? 3 : 0);
}

/** Which actions fit which target: content can be taken down or restored, members and messages cannot be restored. */
export function actionFits(action: CaseAction, target: CaseTarget): boolean {
  if (action === 'restore') return target === 'post' || target === 'comment';
  if (action === 'takedown') return target !== 'user';
  return true;
}
