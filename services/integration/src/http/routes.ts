import type { HttpApp } from '@diaspora/service-kit';

/**
 * Public routes under /api/v1/integrations (kong/kong.yml sends them here). None yet: the kit already serves
 * /health/live, /health/ready, /metrics and /openapi.json. Routes validate with JSON schemas and call the domain.
 */
export async function integrationRoutes(_app: HttpApp): Promise<void> {}
