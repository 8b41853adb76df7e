import type { Queryable } from '@diaspora/service-kit';
import type { MediaRecord, MediaStore } from '../domain/ports.js';

export class PgMediaStore implements MediaStore {
  constructor(private readonly db: Queryable) {}

  async insert(record: Omit<MediaRecord, 'messageId'>): Promise<void> {
    await this.db.query(
      'INSERT INTO media (id, owner_id, storage_key, content_type, size_bytes) VALUES ($1, $2, $3, $4, $5)',
      [record.id, record.ownerId, record.key, record.contentType, record.size],
    );
  }

  async attachable(ownerId: string, ids: string[]): Promise<MediaRecord[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM media WHERE owner_id = $1 AND id = ANY($2::text[]) AND message_id IS NULL`,
      [ownerId, ids],
    );
    return rows.map((row) => ({
      id: String(row.id),
      ownerId: String(row.owner_id),
      key: String(row.storage_key),
      contentType: String(row.content_type),
      size: Number(row.size_bytes),
      messageId: null,
    }));
  }

  async attach(messageId: string, ownerId: string, ids: string[]): Promise<number> {
    // The media must still be the sender's and unused: a concurrent send of the same upload loses here.
    const { rowCount } = await this.db.query(
      'UPDATE media SET message_id = $1 WHERE id = ANY($2::text[]) AND owner_id = $3 AND message_id IS NULL',
      [messageId, ids, ownerId],
    );
    return rowCount ?? 0;
  }

  async purgeUnattached(olderThanMs: number, limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ storage_key: string }>(
      `DELETE FROM media WHERE id IN (
         SELECT id FROM media WHERE message_id IS NULL AND created_at < now() - make_interval(secs => $1)
          ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING storage_key`,
      [olderThanMs / 1000, limit],
    );
    return rows.map((row) => row.storage_key);
  }
}
