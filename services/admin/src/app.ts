import { defineService } from '@diaspora/service-kit';
import { adminConfig } from './config.js';
import { adminConsumers } from './events/consumers.js';
import { adminRoutes } from './http/routes.js';
import { migrations } from './store/migrations.js';

/**
 * The wiring, and nothing else: config, migrations, and one `setup` that builds the stores' unit of work, the
 * domain's use cases, and returns the parts the kit runs (services/event/src/app.ts is the full example).
 */
export const adminService = defineService({
  name: 'admin',
  openapi: {
    title: 'Admin service',
    description: 'The admin service (scaffolded; no routes yet).',
    version: '0.1.0',
  },
  config: adminConfig,
  migrations,
  async setup() {
    // As the service grows (each with the kit's API, see services/event/src/app.ts):
    //   const uow = createUnitOfWork<Stores>(db, outbox, (q) => ({ ... }));  stores from store/, types in domain/ports.ts
    //   grpc: [implement(adminV1.AdminService, adminGrpcHandlers(...), logger)]  once proto/admin/v1 exists
    //   userData: userData(uow, { export, erase })  once it keeps data about members (then add it to
    //     USER_DATA_EXPORT_PEERS in deploy/helm/charts/user/values.yaml and docker-compose.yml)
    //   chores: [every(...)], workers: [...]  from jobs/
    return {
      routes: (app) => adminRoutes(app),
      consumers: adminConsumers(),
    };
  },
});
