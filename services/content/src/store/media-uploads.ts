import type { Queryable } from '@diaspora/service-kit';
import type { MediaRef } from '../domain/model.js';
import type { MediaUpload, MediaUploadStore } from '../domain/ports.js';

const toUpload = (row: Record<string, unknown>): MediaUpload => ({
  id: row.id as string,
  key: row.key as string,
  contentType: row.content_type as string,
  size: row.size as number,
  ownerId: row.owner_id as string,
  postId: (row.post_id as string | null) ?? null,
  createdAt: row.created_at as Date,
});

/** Uploaded media, owned by their uploader until a post of theirs claims them (once). */
export class PgMediaUploadStore implements MediaUploadStore {
  constructor(private readonly db: Queryable) {}

  async create(upload: { id: string; ownerId: string; key: string; contentType: string; size: number }) {
    await this.db.query(
      'INSERT INTO media_uploads (id, owner_id, key, content_type, size) VALUES ($1, $2, $3, $4, $5)',
      [upload.id, upload.ownerId, upload.key, upload.contentType, upload.size],
    );
  }

  /** Attaches those of `ids` that are `ownerId`'s and still unattached to `postId`; returns them in the order given. */
  async claim(ids: string[], ownerId: string, postId: string): Promise<MediaRef[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.query(
      'UPDATE media_uploads SET post_id = $3 WHERE id = ANY($1::text[]) AND owner_id = $2 AND post_id IS NULL RETURNING *',
      [ids, ownerId, postId],
    );
    const byId = new Map(rows.map((row) => [row.id as string, toUpload(row)]));
    return ids.flatMap((id) => {
      const upload = byId.get(id);
      if (!upload) return [];
      const { ownerId: _o, postId: _p, createdAt: _c, ...ref } = upload;
      return [ref];
    });
  }

  /** Undoes a claim when the post could not be stored. */
  async release(postId: string): Promise<void> {
    await this.db.query('UPDATE media_uploads SET post_id = NULL WHERE post_id = $1', [postId]);
  }

  async ofOwner(ownerId: string): Promise<MediaUpload[]> {
    const { rows } = await this.db.query('SELECT * FROM media_uploads WHERE owner_id = $1 ORDER BY id', [ownerId]);
    return rows.map(toUpload);
  }

  async unattachedBefore(cutoff: Date, limit: number): Promise<MediaUpload[]> {
    const { rows } = await this.db.query(
      'SELECT * FROM media_uploads WHERE post_id IS NULL AND created_at < $1 ORDER BY created_at LIMIT $2',
      [cutoff, limit],
    );
    return rows.map(toUpload);
  }

  async delete(ids: string[]): Promise<void> {
    await this.db.query('DELETE FROM media_uploads WHERE id = ANY($1::text[])', [ids]);
  }
}
