import { createLogger, type GrpcBinding, GrpcServer, implement, type ServiceDescriptor } from '@diaspora/service-kit';
import { fakeHandlers } from './fake-handlers.js';
import { testCallGuard } from './service-keys.js';

const silent = createLogger({ service: 'fake', level: 'silent' });

/** One service of a fake: the methods a test scripts, every other one UNIMPLEMENTED (see `fakeHandlers`). */
export function fakeService<Handlers>(
  descriptor: ServiceDescriptor<unknown, Handlers>,
  scripted: Partial<Handlers>,
): GrpcBinding {
  return implement(descriptor, fakeHandlers(descriptor, scripted), silent);
}

/**
 * Serves fakes of `service`'s gRPC services on a loopback port. Callers are checked like the real one
 * (proto/access.yaml), so a service's tests catch a call it may not make.
 */
export async function startFakeGrpcServer(
  service: string,
  bindings: GrpcBinding[],
): Promise<{ address: string; stop(): Promise<void> }> {
  const server = new GrpcServer(bindings, { guard: testCallGuard(service) });
  const port = await server.listen('127.0.0.1', 0);
  server.setServing(true);
  return { address: `127.0.0.1:${port}`, stop: () => server.stop(1000) };
}
