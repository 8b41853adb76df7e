import type { Logger, ObjectStorage } from '@diaspora/service-kit';
import type { MediaUploadStore } from '../store/media-uploads.js';
import type { ContentStore } from './ports.js';

/**
 * GDPR for the content service: a member's archive section (posts with their edit history, comments, likes,
 * reports, uploads) and erasure when their account is deleted.
 */
export class UserDataService {
  constructor(
    private readonly deps: { store: ContentStore; media: MediaUploadStore; storage: ObjectStorage; logger: Logger },
  ) {}

  async export(userId: string): Promise<Record<string, unknown>> {
    const [content, uploads] = await Promise.all([this.deps.store.exportUser(userId), this.deps.media.ofOwner(userId)]);
    return {
      posts: content.posts.map(({ version: _v, ...post }) => post),
      comments: content.comments,
      likes: content.likes,
      reports: content.reports,
      mediaUploads: uploads.map(({ key: _k, ownerId: _o, ...upload }) => upload),
    };
  }

  /**
   * Erases the member's content and uploaded files. Idempotent: safe to run again after a partial failure (the
   * consumer is retried until every step went through).
   */
  async erase(userId: string): Promise<void> {
    const uploads = await this.deps.media.ofOwner(userId);
    const erased = await this.deps.store.eraseUser(userId);
    for (const upload of uploads) await this.deps.storage.delete(upload.key);
    await this.deps.media.delete(uploads.map((upload) => upload.id));
    this.deps.logger.info({ userId, ...erased, media: uploads.length }, 'member content erased');
  }
}
