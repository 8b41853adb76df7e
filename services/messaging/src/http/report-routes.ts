import { bearerSecurity, callerOf, type HttpApp, problemResponses } from '@diaspora/service-kit';
import { Type } from 'typebox';
import type { MessageReports } from '../domain/message-reports.js';
import { MessageParams } from './schemas.js';

export async function messageReportRoutes(app: HttpApp, reports: MessageReports): Promise<void> {
  app.post(
    '/api/v1/messages/conversations/:conversationId/messages/:messageId/reports',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['messages'],
        security: bearerSecurity,
        summary: "Report a message of your conversation to the platform's moderators (it is attached for review only)",
        params: MessageParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false }),
        response: {
          201: Type.Object({
            id: Type.String(),
            conversationId: Type.String(),
            messageId: Type.String(),
            reason: Type.String(),
            createdAt: Type.String(),
          }),
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const { conversationId, messageId } = request.params;
      const report = await reports.report(callerOf(request).sub, conversationId, messageId, request.body.reason);
      return reply.code(201).send(report);
    },
  );
}
