import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { isUnavailableError, Problem } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ServiceMetrics } from '../metrics.js';
import type { CallGuard } from './service-auth.js';
import { tracedServerCall } from './telemetry.js';

/** One gRPC service a process serves: its definition, its handlers and its fully-qualified name (for health). */
export interface GrpcBinding {
  name: string;
  definition: grpc.ServiceDefinition;
  // biome-ignore lint/suspicious/noExplicitAny: handler maps are typed by the generated code at the call site
  handlers: grpc.UntypedServiceImplementation | Record<string, any>;
}

const STATUS_BY_HTTP: Record<number, grpc.status> = {
  400: grpc.status.INVALID_ARGUMENT,
  401: grpc.status.UNAUTHENTICATED,
  403: grpc.status.PERMISSION_DENIED,
  404: grpc.status.NOT_FOUND,
  409: grpc.status.ALREADY_EXISTS,
  410: grpc.status.NOT_FOUND,
  412: grpc.status.FAILED_PRECONDITION,
  429: grpc.status.RESOURCE_EXHAUSTED,
  501: grpc.status.UNIMPLEMENTED,
  503: grpc.status.UNAVAILABLE,
};

/** Maps any thrown error to a gRPC status; internals stay in our logs, never in `details`. */
export function toGrpcError(error: unknown): Partial<grpc.StatusObject> {
  if (error instanceof Problem) {
    return { code: STATUS_BY_HTTP[error.status] ?? grpc.status.UNKNOWN, details: error.detail ?? error.title };
  }
  if (isUnavailableError(error)) return { code: grpc.status.UNAVAILABLE, details: 'dependency unavailable' };
  return { code: grpc.status.INTERNAL, details: 'internal error' };
}

/** Wraps an async unary handler: resolves to the response, and any throw becomes a mapped status. */
export function unary<Req, Res>(
  logger: Logger,
  handler: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    handler(call.request, call).then(
      (response) => callback(null, response),
      (error: unknown) => {
        const status = toGrpcError(error);
        if (status.code === grpc.status.INTERNAL)
          logger.error({ err: error, path: call.getPath() }, 'gRPC handler failed');
        callback(status as grpc.ServiceError);
      },
    );
  };
}

/**
 * Every method of `binding` behind `guard`: a refused call gets its status before the handler runs. Unary only
 * (all our contracts are), so a streaming method cannot slip through unguarded.
 */
function guarded(
  binding: GrpcBinding,
  guard: CallGuard,
  duration?: ServiceMetrics['grpcServerDuration'],
): grpc.UntypedServiceImplementation {
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(binding.definition)) {
    const handler = (binding.handlers[name] ?? binding.handlers[method.originalName ?? '']) as
      | grpc.handleUnaryCall<unknown, unknown>
      | undefined;
    if (!handler) continue;
    if (method.requestStream || method.responseStream)
      throw new Error(`${binding.name}/${name}: streaming methods cannot be guarded`);
    implementation[name] = tracedServerCall(
      method.path,
      (call, callback) => {
        guard.authorize(method.path, call.metadata).then(
          () => handler(call, callback),
          (error: unknown) => callback(toGrpcError(error) as grpc.ServiceError),
        );
      },
      duration,
    );
  }
  return implementation;
}

/**
 * A gRPC server with the standard health service (always open, for probes); health follows the process
 * readiness. With a `guard` (every service's server, see createService) every other call is checked by it.
 */
export class GrpcServer {
  private readonly server = new grpc.Server({ 'grpc.max_receive_message_length': 4 * 1024 * 1024 });
  private readonly health: HealthImplementation;
  private readonly names: string[];

  private readonly credentials: grpc.ServerCredentials;

  /** `credentials`: mutual TLS (grpc/tls.ts); plain TCP by default. */
  constructor(
    bindings: GrpcBinding[],
    options: {
      guard?: CallGuard;
      credentials?: grpc.ServerCredentials;
      /** grpc_server_handling_seconds of the guarded calls. */
      duration?: ServiceMetrics['grpcServerDuration'];
    } = {},
  ) {
    this.credentials = options.credentials ?? grpc.ServerCredentials.createInsecure();
    this.names = bindings.map((binding) => binding.name);
    this.health = new HealthImplementation(
      Object.fromEntries(['', ...this.names].map((name) => [name, 'NOT_SERVING'])),
    );
    this.health.addToServer(this.server);
    for (const binding of bindings)
      this.server.addService(
        binding.definition,
        options.guard
          ? guarded(binding, options.guard, options.duration)
          : (binding.handlers as grpc.UntypedServiceImplementation),
      );
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, this.credentials, (error, bound) =>
        error ? reject(error) : resolve(bound),
      );
    });
  }

  setServing(serving: boolean): void {
    for (const name of ['', ...this.names]) this.health.setStatus(name, serving ? 'SERVING' : 'NOT_SERVING');
  }

  /** Lets in-flight calls finish, forcing after `timeoutMs`. */
  stop(timeoutMs: number): Promise<void> {
    this.setServing(false);
    return new Promise((resolve) => {
      const force = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, timeoutMs);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}
