import { Problem, type ServiceDescriptor } from '@diaspora/service-kit';

/**
 * The handlers of a fake gRPC service from the methods a test scripts: every other method answers UNIMPLEMENTED.
 * A contract that grows (a new method in a proto) then never breaks the fakes of services that do not call it.
 */
export function fakeHandlers<Handlers>(
  descriptor: ServiceDescriptor<unknown, Handlers>,
  scripted: Partial<Handlers>,
): Handlers {
  const handlers: Record<string, unknown> = { ...scripted };
  for (const method of descriptor.methods) {
    handlers[method] ??= async () => {
      throw new Problem(501, { detail: `${descriptor.fullName}.${method} is not scripted in this fake` });
    };
  }
  return handlers as Handlers;
}
