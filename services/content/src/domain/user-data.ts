import type { Logger } from '@diaspora/service-kit';
import type { ObjectStorage } from '@diaspora/service-kit/storage';
import type { ContentStore, Scope, UnitOfWork } from './ports.js';

/**
 * GDPR for the content service: a member's archive section (posts with their edit history, comments, likes,
 * reports, uploads) and erasure when their account is deleted.
 */
export class UserDataService {
  constructor(
    private readonly deps: { uow: UnitOfWork; store: ContentStore; storage: ObjectStorage; logger: Logger },
  ) {}

  async export(userId: string): Promise<Record<string, unknown>> {
    const [content, uploads] = await Promise.all([
      this.deps.store.exportUser(userId),
      this.deps.uow.read.media.ofOwner(userId),
    ]);
    return {
      posts: content.posts.map(({ version: _v, ...post }) => post),
      comments: content.comments,
      likes: content.likes,
      reports: content.reports,
      mediaUploads: uploads.map(({ key: _k, ownerId: _o, ...upload }) => upload),
    };
  }

  /**
   * Erases the member's content, uploaded files and what the read models keep of them. The content store (maybe
   * MongoDB) and the files are outside the scope's transaction, so every step is idempotent: safe to run again
   * after a partial failure (the consumer is retried until every step went through).
   */
  async erase(scope: Scope, userId: string): Promise<void> {
    const uploads = await scope.media.ofOwner(userId);
    const erased = await this.deps.store.eraseUser(userId);
    for (const upload of uploads) await this.deps.storage.delete(upload.key);
    await scope.media.delete(uploads.map((upload) => upload.id));
    await scope.community.forget(userId);
    await scope.timelines.forget(userId);
    this.deps.logger.info({ userId, ...erased, media: uploads.length }, 'member content erased');
  }
}
