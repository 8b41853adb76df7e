import { LikeCreated, PostPublished } from '@diaspora/events';
import { buildEnvelope, type Database, newId } from '@diaspora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Comment, Post } from '../../src/domain/model.js';
import type { ContentStore } from '../../src/domain/ports.js';
import { storeTargets } from './targets.js';

const user = () => newId('usr');

function post(overrides: Partial<Post> = {}): Post {
  const createdAt = new Date();
  return {
    id: newId('pst'),
    authorId: user(),
    text: 'Hello #diaspora from Paris',
    tags: ['diaspora'],
    mentions: [],
    links: [],
    language: 'en',
    visibility: 'public',
    media: [],
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    likeCount: 0,
    commentCount: 0,
    shareCount: 0,
    moderation: { state: 'published', score: 0, labels: [], reportCount: 0 },
    publishedAt: createdAt,
    createdAt,
    history: [],
    version: 1,
    ...overrides,
  };
}

function comment(postId: string, overrides: Partial<Comment> = {}): Comment {
  return {
    id: newId('cmt'),
    postId,
    authorId: user(),
    text: 'Bienvenue !',
    mentions: [],
    language: 'fr',
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    moderation: { state: 'published', score: 0, labels: [], reportCount: 0 },
    createdAt: new Date(),
    ...overrides,
  };
}

const published = (p: Post) =>
  buildEnvelope('content', PostPublished, {
    postId: p.id,
    authorId: p.authorId,
    text: p.text,
    tags: p.tags,
    mentions: [],
    language: p.language,
    visibility: p.visibility,
    mediaCount: 0,
    createdAt: p.createdAt.toISOString(),
  });

async function outboxIds(db: Database): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM outbox ORDER BY seq');
  return rows.map((row) => row.id);
}

if (!process.env.MONGO_URL) {
  console.warn('content store contract: the MongoDB adapter suite is SKIPPED (MONGO_URL is not set)');
  describe('content store contract: mongodb', () => {
    it.skip('SKIPPED — MONGO_URL is not set (eval "$(scripts/ci-servers.sh start)" starts FerretDB and sets it)', () => {});
  });
}

for (const target of storeTargets()) {
  describe(`content store contract: ${target.name}`, () => {
    let store: ContentStore;
    let db: Database;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, db, close } = await target.open());
    });
    afterAll(() => close?.());

    it('stores a post and reads it back whole; unknown ids are left out', async () => {
      const original = post({
        domain: 'ict',
        location: { lat: 48.85, lon: 2.35 },
        media: [{ id: newId('med'), key: 'posts/u/m.jpg', contentType: 'image/jpeg', size: 10 }],
        mentions: [user()],
        links: ['https://example.org'],
      });
      await store.insertPost(original, []);
      expect(await store.getPost(original.id)).toEqual(original);
      expect(await store.getPost(newId('pst'))).toBeNull();
      const many = await store.getPosts([original.id, newId('pst')]);
      expect(many.map((p) => p.id)).toEqual([original.id]);
    });

    it('writes the events of a change with it, and only when it happens', async () => {
      const p = post();
      const event = published(p);
      await store.insertPost(p, [event]);
      await store.drainEvents();
      expect(await outboxIds(db)).toContain(event.id);
      await store.drainEvents(); // forwarding twice is harmless
      expect((await outboxIds(db)).filter((id) => id === event.id)).toHaveLength(1);

      const stale = buildEnvelope('content', PostPublished, { ...event.data, text: 'stale' });
      expect(await store.updatePost(p.id, 99, { text: 'never' }, [stale])).toBe(false);
      await store.drainEvents();
      expect(await outboxIds(db)).not.toContain(stale.id);
    });

    it('updates with a version check, keeping history and moderation', async () => {
      const p = post();
      await store.insertPost(p, []);
      const editedAt = new Date();
      const ok = await store.updatePost(
        p.id,
        1,
        {
          text: 'Edited',
          tags: ['edited'],
          history: [{ text: p.text, tags: p.tags, editedAt }],
          editedAt,
          domain: 'health',
          moderation: { ...p.moderation, state: 'flagged', score: 0.5, labels: ['lexicon:en:idiot'] },
        },
        [],
      );
      expect(ok).toBe(true);
      const after = (await store.getPost(p.id))!;
      expect(after).toMatchObject({
        text: 'Edited',
        tags: ['edited'],
        domain: 'health',
        version: 2,
        editedAt,
        moderation: { state: 'flagged', score: 0.5, labels: ['lexicon:en:idiot'] },
      });
      expect(after.history).toEqual([{ text: p.text, tags: p.tags, editedAt }]);
      expect(await store.updatePost(p.id, 1, { text: 'lost update' }, [])).toBe(false);
      expect(await store.updatePost(p.id, 2, { domain: null }, [])).toBe(true);
      expect((await store.getPost(p.id))!.domain).toBeUndefined();
    });

    it('lists visible posts newest first with every filter and keyset pages', async () => {
      const author = user();
      const make = (overrides: Partial<Post>) => post({ authorId: author, ...overrides });
      const paris = make({ language: 'fr', domain: 'ict', location: { lat: 48.85, lon: 2.35 } });
      const lyon = make({ residenceCity: 'Lyon', originCountry: 'CM', location: { lat: 45.76, lon: 4.83 } });
      const held = make({ moderation: { state: 'held', score: 2, labels: [], reportCount: 0 } });
      const flagged = make({ moderation: { state: 'flagged', score: 0.5, labels: [], reportCount: 0 } });
      const privateToCountry = make({ visibility: 'country', originCountry: 'ML' });
      const deleted = make({});
      for (const p of [paris, lyon, held, flagged, privateToCountry, deleted]) await store.insertPost(p, []);
      await store.updatePost(deleted.id, 1, { deletedAt: new Date() }, []);

      const ids = async (filter: Parameters<ContentStore['listPosts']>[0], before?: string, limit = 50) =>
        (await store.listPosts({ authorIds: [author], ...filter }, { ...(before ? { before } : {}), limit })).map(
          (p) => p.id,
        );
      expect(await ids({})).toEqual([privateToCountry.id, flagged.id, lyon.id, paris.id]);
      expect(await ids({ originCountry: 'CM' })).toEqual([lyon.id]);
      expect(await ids({ residenceCountry: 'FR', cityKey: 'lyon' })).toEqual([lyon.id]);
      expect(await ids({ language: 'fr' })).toEqual([paris.id]);
      expect(await ids({ domain: 'ict' })).toEqual([paris.id]);
      expect(await ids({ bbox: { minLat: 48, maxLat: 49, minLon: 2, maxLon: 3 } })).toEqual([paris.id]);
      expect(await ids({ audience: { originCountry: 'SN' } })).toEqual([flagged.id, lyon.id, paris.id]);
      expect(await ids({ audience: { originCountry: 'ML' } })).toEqual([
        privateToCountry.id,
        flagged.id,
        lyon.id,
        paris.id,
      ]);
      expect(await ids({}, undefined, 2)).toEqual([privateToCountry.id, flagged.id]);
      expect(await ids({}, flagged.id, 2)).toEqual([lyon.id, paris.id]);
      const many = await store.listPostsMany(
        [
          { authorIds: [author], originCountry: 'CM' },
          { authorIds: [author], language: 'fr' },
          { authorIds: [author] },
        ],
        { before: privateToCountry.id, limit: 2 },
      );
      expect(many.map((list) => list.map((p) => p.id))).toEqual([[lyon.id], [paris.id], [flagged.id, lyon.id]]);
    });

    it('counts shares, and comments that are visible', async () => {
      const p = post();
      await store.insertPost(p, []);
      await store.insertPost(post({ sharedPostId: p.id, text: '' }), []);
      const visible = comment(p.id);
      const held = comment(p.id, { moderation: { state: 'held', score: 1, labels: [], reportCount: 0 } });
      await store.insertComment(visible, []);
      await store.insertComment(held, []);
      const reply = comment(p.id, { parentId: visible.id });
      await store.insertComment(reply, []);
      expect(await store.getPost(p.id)).toMatchObject({ shareCount: 1, commentCount: 2 });
      expect(await store.getComment(reply.id)).toEqual(reply);
      expect((await store.listComments(p.id, { limit: 10 })).map((c) => c.id)).toEqual([visible.id, reply.id]);
      expect((await store.listComments(p.id, { after: visible.id, limit: 10 })).map((c) => c.id)).toEqual([reply.id]);

      expect(await store.deleteComment(reply.id, new Date(), [])).toBe(true);
      expect(await store.deleteComment(reply.id, new Date(), [])).toBe(false);
      expect(await store.deleteComment(held.id, new Date(), [])).toBe(true);
      expect((await store.getPost(p.id))!.commentCount).toBe(1);
    });

    it('moves items between moderation states only from the expected ones', async () => {
      const p = post({ moderation: { state: 'held', score: 2, labels: ['x'], reportCount: 0 } });
      delete p.publishedAt;
      await store.insertPost(p, []);
      expect(await store.transition('post', p.id, { from: ['published'], to: 'removed' }, [])).toBe(false);
      const at = new Date();
      expect(
        await store.transition(
          'post',
          p.id,
          {
            from: ['held'],
            to: 'published',
            moderatedBy: 'usr_mod',
            moderatedAt: at,
            publishedAt: at,
            resetReports: true,
          },
          [],
        ),
      ).toBe(true);
      const released = (await store.getPost(p.id))!;
      expect(released.moderation).toMatchObject({ state: 'published', moderatedBy: 'usr_mod', moderatedAt: at });
      expect(released.publishedAt).toEqual(at);
      expect(released.version).toBe(2);
      await store.transition('post', p.id, { from: ['published'], to: 'hidden', publishedAt: new Date(0) }, []);
      expect((await store.getPost(p.id))!.publishedAt).toEqual(at);

      const c = comment(p.id);
      await store.insertComment(c, []);
      expect((await store.getPost(p.id))!.commentCount).toBe(1);
      await store.transition('comment', c.id, { from: ['published'], to: 'removed' }, []);
      expect((await store.getPost(p.id))!.commentCount).toBe(0);
      await store.transition('comment', c.id, { from: ['removed'], to: 'published' }, []);
      expect((await store.getPost(p.id))!.commentCount).toBe(1);
    });

    it('lists the moderation queue by state within a scope', async () => {
      const state = { state: 'flagged' as const, score: 0.5, labels: [], reportCount: 0 };
      // Countries no other test of this file uses.
      const inParis = post({ moderation: state, residenceCountry: 'BE', residenceCity: 'Liège', originCountry: 'TG' });
      const inDakar = post({ moderation: state, residenceCountry: 'TG', residenceCity: 'Lomé', originCountry: 'TG' });
      const inBerlin = post({ moderation: state, residenceCountry: 'AT', residenceCity: 'Wien', originCountry: 'BJ' });
      for (const p of [inParis, inDakar, inBerlin]) await store.insertPost(p, []);
      const queue = async (scope: Parameters<ContentStore['listQueue']>[1]['scope']) =>
        (await store.listQueue('post', { states: ['flagged'], scope }, { limit: 100 })).map((p) => p.id);
      expect(await queue({})).toEqual(expect.arrayContaining([inBerlin.id, inDakar.id, inParis.id]));
      expect(await queue({ countries: { country: 'TG', originToo: true } })).toEqual([inDakar.id, inParis.id]);
      expect(await queue({ countries: { country: 'BE', originToo: false } })).toEqual([inParis.id]);
      expect(await queue({ city: { country: 'AT', cityKey: 'wien' } })).toEqual([inBerlin.id]);
      const page = await store.listQueue('post', { states: ['flagged'], scope: {} }, { before: inBerlin.id, limit: 1 });
      expect(page.map((p) => p.id)).toEqual([inDakar.id]);
    });

    it('likes once per member, counts exactly under concurrency', async () => {
      const p = post();
      await store.insertPost(p, []);
      const member = user();
      const like = buildEnvelope('content', LikeCreated, {
        postId: p.id,
        postAuthorId: p.authorId,
        userId: member,
        at: new Date().toISOString(),
      });
      expect(await store.addLike(p.id, member, new Date(), [like])).toBe(true);
      expect(await store.addLike(p.id, member, new Date(), [like])).toBe(false);
      const others = Array.from({ length: 20 }, user);
      const results = await Promise.all([
        ...others.map((id) => store.addLike(p.id, id, new Date(), [])),
        ...others.map((id) => store.addLike(p.id, id, new Date(), [])),
      ]);
      expect(results.filter(Boolean)).toHaveLength(20);
      expect((await store.getPost(p.id))!.likeCount).toBe(21);
      expect(await store.likedBy(member, [p.id, newId('pst')])).toEqual(new Set([p.id]));
      expect(await store.removeLike(p.id, member)).toBe(true);
      expect(await store.removeLike(p.id, member)).toBe(false);
      expect((await store.getPost(p.id))!.likeCount).toBe(20);
      await store.drainEvents();
      expect((await outboxIds(db)).filter((id) => id === like.id)).toHaveLength(1);
    });

    it('keeps one report per reporter and counts distinct reporters', async () => {
      const p = post();
      await store.insertPost(p, []);
      const reporter = user();
      const report = {
        id: newId('rpt'),
        targetType: 'post' as const,
        targetId: p.id,
        reporterId: reporter,
        reason: 'spam',
        createdAt: new Date(),
      };
      expect(await store.addReport(report, [])).toEqual({ created: true, report, reportCount: 1 });
      const again = await store.addReport({ ...report, id: newId('rpt'), reason: 'again' }, []);
      expect(again).toEqual({ created: false, report, reportCount: 1 });
      const concurrent = await Promise.all(
        Array.from({ length: 5 }, () => store.addReport({ ...report, id: newId('rpt'), reporterId: user() }, [])),
      );
      expect(concurrent.every((result) => result.created)).toBe(true);
      expect((await store.getPost(p.id))!.moderation.reportCount).toBe(6);
      await store.transition('post', p.id, { from: ['published'], to: 'published', resetReports: true }, []);
      expect((await store.getPost(p.id))!.moderation.reportCount).toBe(0);
    });

    it('exports and erases a member, keeping others’ counters right', async () => {
      const member = user();
      const theirs = post({ authorId: member });
      const other = post();
      await store.insertPost(theirs, []);
      await store.insertPost(other, []);
      await store.insertPost(post({ authorId: member, sharedPostId: other.id, text: '' }), []);
      await store.insertComment(comment(other.id, { authorId: member }), []);
      await store.addLike(other.id, member, new Date(), []);
      await store.addLike(other.id, user(), new Date(), []);
      await store.addReport(
        {
          id: newId('rpt'),
          targetType: 'post',
          targetId: other.id,
          reporterId: member,
          reason: 'x',
          createdAt: new Date(),
        },
        [],
      );
      const exported = await store.exportUser(member);
      expect(exported.posts.map((p) => p.authorId)).toEqual([member, member]);
      expect(exported.comments).toHaveLength(1);
      expect(exported.likes.map((like) => like.postId)).toEqual([other.id]);
      expect(exported.reports).toHaveLength(1);

      expect(await store.eraseUser(member)).toEqual({ posts: 2, comments: 1, likes: 1, reports: 1 });
      expect(await store.exportUser(member)).toEqual({ posts: [], comments: [], likes: [], reports: [] });
      expect(await store.getPost(theirs.id)).toBeNull();
      expect(await store.getPost(other.id)).toMatchObject({ likeCount: 1, commentCount: 0, shareCount: 0 });
      expect(await store.eraseUser(member)).toEqual({ posts: 0, comments: 0, likes: 0, reports: 0 });
    });
  });
}
