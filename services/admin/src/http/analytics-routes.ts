import { bearerSecurity, callerOf, type HttpApp, problemResponses } from '@diaspora/service-kit';
import { toCsv } from '../domain/analytics.js';
import type { AdminUseCases } from '../domain/use-cases.js';
import { AnalyticsQuery, AnalyticsReport, ReportParam } from './schemas.js';

export async function analyticsRoutes(app: HttpApp, { admins, analytics }: AdminUseCases) {
  app.get(
    '/api/v1/admin/analytics/:report',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['analytics'],
        security: bearerSecurity,
        summary: 'Growth, engagement, participation or revenue per day (from event-fed read models)',
        description:
          'from/to default to the last 30 days; reversed or longer than two years → 400. Ambassadors and consuls ' +
          'get their country / city (asking for another → 403). `format=csv` answers text/csv.',
        params: ReportParam,
        querystring: AnalyticsQuery,
        response: { 200: AnalyticsReport, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { format, ...range } = request.query;
      const report = await analytics.report(await admins.resolve(callerOf(request).sub), request.params.report, range);
      if (format !== 'csv') return report;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${report.report}-${report.from}-${report.to}.csv"`)
        .send(toCsv(report) as unknown as typeof report);
    },
  );
}
