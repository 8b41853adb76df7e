import {
  CommentCreated,
  ContentFlagged,
  ContentRestored,
  ContentTakenDown,
  type EventEnvelope,
  PostPublished,
  ReportCreated,
} from '@diaspora/events';
import { newId, problems } from '@diaspora/service-kit';
import { event, moderationFields, postSnapshot } from '../events.js';
import { createdData } from '../interactions.js';
import {
  type Comment,
  isVisibleState,
  MODERATION_STATES,
  type ModerationState,
  type Post,
  QUEUE_STATES,
  type Report,
  type TargetType,
  type Viewer,
} from '../model.js';
import type { ContentStore, IdPage } from '../ports.js';
import type { PostPresenter } from '../presenter.js';
import { inScope, type ModeratorIdentity, moderationScope } from '../rules.js';

export interface ModerationItem {
  targetType: TargetType;
  targetId: string;
  postId: string;
  authorId: string;
  text: string;
  language: string;
  state: ModerationState;
  score: number;
  labels: string[];
  reportCount: number;
  originCountry?: string;
  residenceCountry?: string;
  residenceCity?: string;
  createdAt: string;
  moderatedBy?: string;
  moderatedAt?: string;
}

export function toItem(target: TargetType, item: Post | Comment): ModerationItem {
  return {
    targetType: target,
    targetId: item.id,
    postId: target === 'post' ? item.id : (item as Comment).postId,
    authorId: item.authorId,
    text: item.text,
    language: item.language,
    state: item.moderation.state,
    score: item.moderation.score,
    labels: item.moderation.labels,
    reportCount: item.moderation.reportCount,
    ...(item.originCountry ? { originCountry: item.originCountry } : {}),
    ...(item.residenceCountry ? { residenceCountry: item.residenceCountry } : {}),
    ...(item.residenceCity ? { residenceCity: item.residenceCity } : {}),
    createdAt: item.createdAt.toISOString(),
    ...(item.moderation.moderatedBy ? { moderatedBy: item.moderation.moderatedBy } : {}),
    ...(item.moderation.moderatedAt ? { moderatedAt: item.moderation.moderatedAt.toISOString() } : {}),
  };
}

export interface ModerationDeps {
  store: ContentStore;
  presenter: PostPresenter;
  hideThreshold: number;
}

/** User reports, report thresholds, and moderators' takedowns and restores (HTTP, gRPC and admin events). */
export class ModerationService {
  constructor(private readonly deps: ModerationDeps) {}

  private async load(target: TargetType, id: string): Promise<Post | Comment | null> {
    const item = target === 'post' ? await this.deps.store.getPost(id) : await this.deps.store.getComment(id);
    return item && !item.deletedAt ? item : null;
  }

  async report(viewer: Viewer, input: { targetType: TargetType; targetId: string; reason: string }) {
    const { store } = this.deps;
    const item = await this.load(input.targetType, input.targetId);
    const post = item && input.targetType === 'comment' ? await store.getPost((item as Comment).postId) : item;
    const readable =
      item &&
      post &&
      (isVisibleState(item.moderation.state) || item.authorId === viewer.id) &&
      (await this.deps.presenter.canRead(viewer, post as Post));
    if (!item || !readable) throw problems.notFound(input.targetType);
    if (item.authorId === viewer.id) throw problems.badRequest('You cannot report your own content.', 'own-content');
    const now = new Date();
    const report: Report = { id: newId('rpt'), ...input, reporterId: viewer.id, createdAt: now };
    // The count in the event is not known before the insert; the store increments it with the report.
    const result = await store.addReport(report, [
      event(
        ReportCreated,
        {
          reportId: report.id,
          targetType: input.targetType,
          targetId: input.targetId,
          targetAuthorId: item.authorId,
          reporterId: viewer.id,
          reason: input.reason,
          reportCount: item.moderation.reportCount + 1,
          at: now.toISOString(),
        },
        now,
      ),
    ]);
    let hidden = !isVisibleState(item.moderation.state);
    if (result.created && result.reportCount >= this.deps.hideThreshold && !hidden) {
      hidden = await store.transition(
        input.targetType,
        input.targetId,
        { from: ['published', 'flagged'], to: 'hidden' },
        [
          event(
            ContentFlagged,
            {
              ...moderationFields(input.targetType, item, now),
              source: 'reports',
              hidden: true,
              reportCount: result.reportCount,
            },
            now,
          ),
        ],
      );
    }
    return { created: result.created, report: result.report, reportCount: result.reportCount, hidden };
  }

  async queue(
    moderator: ModeratorIdentity,
    options: { states?: ModerationState[]; targetType?: TargetType; page: IdPage },
  ): Promise<{ items: ModerationItem[]; next?: string }> {
    const scope = moderationScope(moderator);
    const states = options.states?.length ? options.states : [...QUEUE_STATES];
    const targets: TargetType[] = options.targetType ? [options.targetType] : ['post', 'comment'];
    const limit = options.page.limit;
    // The cursor is an id of either kind; ids of both kinds sort by time after their 4-character prefix.
    const time = options.page.before?.slice(4);
    const pages = await Promise.all(
      targets.map(async (target) => {
        const before = time ? `${target === 'post' ? 'pst' : 'cmt'}_${time}` : undefined;
        const page = await this.deps.store.listQueue(
          target,
          { states, scope },
          { ...(before ? { before } : {}), limit: limit + 1 },
        );
        return page.map((item) => toItem(target, item));
      }),
    );
    // Post and comment ids sort by creation time alike after their prefix: merge on the time part.
    const merged = pages
      .flat()
      .sort((a, b) => (a.targetId.slice(4) < b.targetId.slice(4) ? 1 : -1))
      .slice(0, limit + 1);
    const items = merged.slice(0, limit);
    return { items, ...(merged.length > limit ? { next: items.at(-1)!.targetId } : {}) };
  }

  async item(moderator: ModeratorIdentity, target: TargetType, id: string): Promise<ModerationItem> {
    const scope = moderationScope(moderator);
    const item = await this.load(target, id);
    if (!item) throw problems.notFound(target);
    if (!inScope(scope, item)) throw problems.forbidden('This content is outside your moderation scope.');
    return toItem(target, item);
  }

  /** Takes an item down (idempotent). */
  async takeDown(moderator: ModeratorIdentity, target: TargetType, id: string, reason: string) {
    return this.decide(moderator, target, id, reason, 'removed');
  }

  /** Makes an item visible again, releasing a held one; its report count starts over (idempotent). */
  async restore(moderator: ModeratorIdentity, target: TargetType, id: string, reason: string) {
    return this.decide(moderator, target, id, reason, 'published');
  }

  private async decide(
    moderator: ModeratorIdentity,
    target: TargetType,
    id: string,
    reason: string,
    to: 'removed' | 'published',
  ): Promise<ModerationItem> {
    const scope = moderationScope(moderator);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const item = await this.load(target, id);
      if (!item) throw problems.notFound(target);
      if (!inScope(scope, item)) throw problems.forbidden('This content is outside your moderation scope.');
      if (item.moderation.state === to && (to === 'removed' || item.moderation.reportCount === 0))
        return toItem(target, item);
      const now = new Date();
      const fields = { ...moderationFields(target, item, now), moderatorId: moderator.userId, reason };
      const events: EventEnvelope[] = [event(to === 'removed' ? ContentTakenDown : ContentRestored, fields, now)];
      if (to === 'published') events.push(...(await this.firstPublication(target, item, now)));
      const moved = await this.deps.store.transition(
        target,
        id,
        {
          from: MODERATION_STATES.filter((state) => state !== to || to === 'published'),
          to,
          moderatedBy: moderator.userId,
          moderatedAt: now,
          ...(to === 'published' ? { resetReports: true, publishedAt: now } : {}),
        },
        events,
      );
      if (moved) return toItem(target, (await this.load(target, id)) ?? item);
    }
    throw problems.conflict('The content changed while being moderated; retry.', 'moderation-conflict');
  }

  /** A held post or comment released for the first time is announced as if just published. */
  private async firstPublication(target: TargetType, item: Post | Comment, now: Date): Promise<EventEnvelope[]> {
    if (target === 'post') {
      const post = item as Post;
      return post.publishedAt ? [] : [event(PostPublished, postSnapshot(post), now)];
    }
    const comment = item as Comment;
    if (comment.moderation.state !== 'held') return [];
    const post = await this.deps.store.getPost(comment.postId);
    const parent = comment.parentId ? await this.deps.store.getComment(comment.parentId) : null;
    return post ? [event(CommentCreated, createdData(comment, post, parent), now)] : [];
  }
}
