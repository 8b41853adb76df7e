import { newId } from '@diaspora/service-kit';
import type { ObjectStorage } from '@diaspora/service-kit/storage';
import type { MediaRef } from './model.js';
import type { UnitOfWork } from './ports.js';

/** A recognized media type and the file extension it is stored under. */
export interface MediaKind {
  type: string;
  extension: string;
}

/** Uploads never attached to a post are removed after this long. */
const UNATTACHED_TTL_MS = 24 * 3600 * 1000;
/** Uploads removed per cleanup pass (the next pass takes the rest). */
const CLEANUP_BATCH = 500;

class IncompleteClaim extends Error {}

/** Media files and their upload records: a member uploads, a post of theirs claims them once, strays go. */
export class MediaLibrary {
  constructor(private readonly deps: { uow: UnitOfWork; storage: ObjectStorage }) {}

  async upload(ownerId: string, body: Buffer, kind: MediaKind) {
    const { uow, storage } = this.deps;
    const id = newId('med');
    const key = `posts/${ownerId}/${id}.${kind.extension}`;
    await storage.put(key, body, { contentType: kind.type });
    await uow.read.media.create({ id, ownerId, key, contentType: kind.type, size: body.length });
    return { id, url: await storage.signedUrl(key), contentType: kind.type, size: body.length };
  }

  /**
   * Attaches all of `ids` to `postId` or none: each must belong to `ownerId` and be unattached. Returns them in
   * the order given, or null when any is unknown, someone else's, or already used.
   */
  async claim(ids: string[], ownerId: string, postId: string): Promise<MediaRef[] | null> {
    if (ids.length === 0) return [];
    try {
      return await this.deps.uow.run(async (scope) => {
        const claimed = await scope.media.claim(ids, ownerId, postId);
        // Roll back a partial claim: the transaction aborts and the caller answers 400.
        if (claimed.length !== new Set(ids).size) throw new IncompleteClaim();
        return claimed;
      });
    } catch (error) {
      if (error instanceof IncompleteClaim) return null;
      throw error;
    }
  }

  /** Undoes a claim when the post could not be stored. */
  release(postId: string): Promise<void> {
    return this.deps.uow.read.media.release(postId);
  }

  url(key: string): Promise<string> {
    return this.deps.storage.signedUrl(key);
  }

  /** Removes uploads nobody attached within a day (files first: a record without its file is never served). */
  async removeUnattached(now = new Date()): Promise<number> {
    const { uow, storage } = this.deps;
    const stale = await uow.read.media.unattachedBefore(new Date(now.getTime() - UNATTACHED_TTL_MS), CLEANUP_BATCH);
    for (const upload of stale) await storage.delete(upload.key);
    if (stale.length) await uow.read.media.delete(stale.map((upload) => upload.id));
    return stale.length;
  }
}
