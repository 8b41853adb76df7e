import type { HttpApp } from '@diaspora/service-kit';
import type { AdminUseCases } from '../domain/use-cases.js';
import { analyticsRoutes } from './analytics-routes.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { memberRoutes } from './member-routes.js';
import { reportRoutes } from './report-routes.js';

/** Public routes under /api/v1/admin (kong/kong.yml sends them here) and the dashboard under /admin. */
export async function adminRoutes(
  app: HttpApp,
  useCases: AdminUseCases,
  options: { publicDir: string; chartJs: string },
) {
  await memberRoutes(app, useCases);
  await reportRoutes(app, useCases);
  await analyticsRoutes(app, useCases);
  await dashboardRoutes(app, options);
}
