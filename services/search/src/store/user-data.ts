import type { Database } from '@diaspora/service-kit';

/**
 * GDPR export: what the service holds about a member — the documents others can find (their profile, posts,
 * events they organize, as indexed), their own search scope and their blocks. Nothing else is kept.
 */
export async function exportMemberData(db: Database, userId: string): Promise<object> {
  const [documents, viewer, blocks] = await Promise.all([
    db.query<{ id: string; type: string; document: { view: object } }>(
      `SELECT id, type, document FROM search_documents
       WHERE owner_id = $1 AND NOT deleted ORDER BY type, id`,
      [userId],
    ),
    db.query('SELECT origin_country, residence_country, residence_city FROM search_viewers WHERE user_id = $1', [
      userId,
    ]),
    db.query<{ blocked_id: string }>(
      'SELECT blocked_id FROM search_blocks WHERE blocker_id = $1 AND active ORDER BY blocked_id',
      [userId],
    ),
  ]);
  return {
    indexedDocuments: documents.rows.map((row) => ({ type: row.type, id: row.id, ...row.document.view })),
    searchScope: viewer.rows[0] ?? null,
    blockedMembers: blocks.rows.map((row) => row.blocked_id),
  };
}
