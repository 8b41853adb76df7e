import {
  bearerSecurity,
  callerOf,
  type Database,
  type HttpApp,
  idempotent,
  PageQuerySchema,
  problemResponses,
} from '@diaspora/service-kit';
import { Type } from 'typebox';
import type { InteractionService } from '../domain/interactions.js';
import type { ViewerDirectory } from '../domain/ports.js';
import type { PostService } from '../domain/posts.js';
import type { PostPresenter } from '../domain/presenter.js';
import { CommentIdParam, CommentPage, CommentView, LikeState, PostIdParam, PostView, textBodies } from './schemas.js';

const tags = ['posts'];

/** Posts, likes, comments and shares under /api/v1/content. */
export async function postRoutes(
  app: HttpApp,
  deps: {
    posts: PostService;
    interactions: InteractionService;
    presenter: PostPresenter;
    users: ViewerDirectory;
    /** For Idempotency-Key: the kit's idempotency tables are in this service's database. */
    db: Database;
    /** POST_MAX_CHARS and COMMENT_MAX_CHARS: the documented maxLength of the texts. */
    limits: { postMaxChars: number; commentMaxChars: number };
  },
): Promise<void> {
  const { posts, interactions, presenter, users, db } = deps;
  const { NewPostBody, PostPatchBody, ShareBody, CommentBody } = textBodies(deps.limits);
  const retryable = idempotent(db);

  app.post(
    '/api/v1/content/posts',
    {
      onRequest: app.authenticate,
      ...retryable,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Publish a post (text, media ids from /media, tags, language, visibility)',
        description:
          'Hashtags and @usr_… mentions are parsed from the text; the language is detected when not given. ' +
          'Clearly violating text is held for review (moderationState "held"); borderline text is published and ' +
          'flagged. Accepts Idempotency-Key.',
        body: NewPostBody,
        response: { 201: PostView, ...problemResponses(400, 401, 409, 422) },
      },
    },
    async (request, reply) => {
      const viewer = await users.viewer(callerOf(request));
      const post = await posts.create(callerOf(request), request.body);
      return reply.code(201).send((await presenter.present(viewer, [post]))[0]!);
    },
  );

  app.get(
    '/api/v1/content/posts/:postId',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'A post',
        params: PostIdParam,
        response: { 200: PostView, ...problemResponses(401, 404) },
      },
    },
    async (request) => {
      const viewer = await users.viewer(callerOf(request));
      const post = await posts.readable(viewer, request.params.postId);
      return (await presenter.present(viewer, [post]))[0];
    },
  );

  app.patch(
    '/api/v1/content/posts/:postId',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Edit your post (the previous version is kept in its history)',
        params: PostIdParam,
        body: PostPatchBody,
        response: { 200: PostView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const viewer = await users.viewer(callerOf(request));
      const post = await posts.edit(viewer, request.params.postId, request.body);
      return (await presenter.present(viewer, [post]))[0];
    },
  );

  app.delete(
    '/api/v1/content/posts/:postId',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Delete your post',
        params: PostIdParam,
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const viewer = await users.viewer(callerOf(request));
      await posts.delete(viewer, callerOf(request), request.params.postId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/content/posts/:postId/likes',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Like a post (idempotent: liking twice changes nothing)',
        params: PostIdParam,
        response: { 200: LikeState, ...problemResponses(401, 404, 409) },
      },
    },
    async (request) => interactions.like(await users.viewer(callerOf(request)), request.params.postId),
  );

  app.delete(
    '/api/v1/content/posts/:postId/likes',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Take back your like',
        params: PostIdParam,
        response: { 200: LikeState, ...problemResponses(401, 404) },
      },
    },
    async (request) => interactions.unlike(await users.viewer(callerOf(request)), request.params.postId),
  );

  app.post(
    '/api/v1/content/posts/:postId/comments',
    {
      onRequest: app.authenticate,
      ...retryable,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Comment on a post, or reply to a comment (one level)',
        params: PostIdParam,
        body: CommentBody,
        response: { 201: CommentView, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await interactions.comment(await users.viewer(callerOf(request)), request.params.postId, request.body)),
  );

  app.get(
    '/api/v1/content/posts/:postId/comments',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Comments of a post, oldest first (replies carry parentId)',
        params: PostIdParam,
        querystring: PageQuerySchema,
        response: { 200: CommentPage, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) =>
      interactions.comments(
        await users.viewer(callerOf(request)),
        request.params.postId,
        request.query.cursor,
        request.query.limit ?? 20,
      ),
  );

  app.delete(
    '/api/v1/content/comments/:commentId',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Delete a comment (its author, or the author of the post)',
        params: CommentIdParam,
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await interactions.deleteComment(await users.viewer(callerOf(request)), request.params.commentId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/content/posts/:postId/shares',
    {
      onRequest: app.authenticate,
      ...retryable,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Share a post, with your own text to quote-share it',
        params: PostIdParam,
        body: ShareBody,
        response: { 201: PostView, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const viewer = await users.viewer(callerOf(request));
      const share = await posts.share(callerOf(request), viewer, request.params.postId, request.body);
      return reply.code(201).send((await presenter.present(viewer, [share]))[0]!);
    },
  );
}
