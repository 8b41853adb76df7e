import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { Logger } from '../logger.js';
import { type BreakerOptions, CircuitBreaker } from './breaker.js';
import { type GrpcBinding, unary } from './server.js';
import { type CallerIdentity, currentCallerIdentity } from './service-auth.js';
import { tracedClientCall } from './telemetry.js';

/** The repository's proto/ tree, the single source of the internal APIs (shipped in every service image). */
export const PROTO_ROOT = fileURLToPath(new URL('../../../../proto/', import.meta.url));

/** Ties a generated client interface and handler interface to a service in a .proto file. */
export interface ServiceDescriptor<Client, Handlers> {
  fullName: string;
  file: string;
  methods: string[];
  /** Phantom fields: carry the generated types, never set. */
  readonly __client?: Client;
  readonly __handlers?: Handlers;
}

export interface CallOptions {
  /** Overrides the client's default deadline for this call. */
  deadlineMs?: number;
  /** Propagated as `x-request-id` metadata so logs correlate across services. */
  requestId?: string;
}

export interface CallContext {
  requestId: string | undefined;
  peer: string;
}

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  arrays: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

const constructors = new Map<string, grpc.ServiceClientConstructor>();

function load(descriptor: ServiceDescriptor<unknown, unknown>): grpc.ServiceClientConstructor {
  let clientConstructor = constructors.get(descriptor.fullName);
  if (!clientConstructor) {
    const definition = grpc.loadPackageDefinition(protoLoader.loadSync(descriptor.file, LOADER_OPTIONS));
    clientConstructor = descriptor.fullName
      .split('.')
      .reduce<unknown>(
        (node, part) => (node as Record<string, unknown>)[part],
        definition,
      ) as grpc.ServiceClientConstructor;
    if (!clientConstructor?.service) throw new Error(`${descriptor.fullName} not found in ${descriptor.file}`);
    constructors.set(descriptor.fullName, clientConstructor);
  }
  return clientConstructor;
}

export interface ClientOptions {
  deadlineMs: number;
  /**
   * The called service's name (the `aud` of the service token). Defaults to the proto package's service
   * (`diaspora.user.v1.UserService` → `user`); required for contracts many services serve (`diaspora.common.*`).
   */
  target?: string;
  /** Who signs the calls; by default the service whose setup creates the client (see runAsService). */
  identity?: CallerIdentity;
  /** The client's circuit breaker (one per dependency); defaults: open after 5 calls finding it down, for 5 s. */
  breaker?: BreakerOptions;
}

/** `diaspora.<service>.v1.X` → `<service>`; undefined for the shared `common` package. */
function serviceOf(fullName: string): string | undefined {
  const name = fullName.split('.')[1];
  return name && name !== 'common' ? name : undefined;
}

/**
 * A promise-based client with a deadline on every call (default `deadlineMs`), so a slow peer can never hold a
 * request open indefinitely. Every call carries a short-lived service token of the creating service
 * (`authorization` metadata), which the callee checks against proto/access.yaml.
 */
export function createClient<Client>(
  descriptor: ServiceDescriptor<Client, unknown>,
  address: string,
  options: ClientOptions,
): Client {
  const identity = options.identity ?? currentCallerIdentity();
  if (!identity)
    throw new Error(
      `createClient(${descriptor.fullName}) outside a service: create clients in setup, or pass options.identity`,
    );
  const target = options.target ?? serviceOf(descriptor.fullName);
  const Constructor = load(descriptor as ServiceDescriptor<unknown, unknown>);
  const client = new Constructor(address, identity.channelCredentials ?? grpc.credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30_000,
    'grpc.enable_retries': 1,
    // Calls spread over every address the target resolves to (several instances, a headless Service's pods);
    // the default pick_first sent them all to the first one.
    'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  });
  const breaker = new CircuitBreaker(target ?? descriptor.fullName, options.breaker);
  const methods: Record<string, unknown> = { close: () => client.close() };
  for (const method of descriptor.methods) {
    const call = (client as unknown as Record<string, (...args: unknown[]) => unknown>)[method]!.bind(client);
    methods[method] = async (request: unknown, callOptions: CallOptions = {}) => {
      const deadline = Date.now() + (callOptions.deadlineMs ?? options.deadlineMs);
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${await identity.tokenFor(target)}`);
      if (callOptions.requestId) metadata.set('x-request-id', callOptions.requestId);
      // A dependency found down repeatedly fails calls at once (503 upstream) until a trial call succeeds.
      return breaker.call(() =>
        tracedClientCall(
          `/${descriptor.fullName}/${method[0]!.toUpperCase()}${method.slice(1)}`,
          metadata,
          () =>
            new Promise((resolve, reject) => {
              call(request, metadata, { deadline }, (error: grpc.ServiceError | null, response: unknown) =>
                error ? reject(error) : resolve(response),
              );
            }),
        ),
      );
    };
  }
  return methods as Client;
}

/** Serves `handlers` for the service: each async handler's throw is mapped to a gRPC status by the kit. */
export function implement<Handlers>(
  descriptor: ServiceDescriptor<unknown, Handlers>,
  handlers: Handlers,
  logger: Logger,
): GrpcBinding {
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of descriptor.methods) {
    const handler = (handlers as Record<string, (request: unknown, context: CallContext) => Promise<unknown>>)[method];
    if (!handler) throw new Error(`${descriptor.fullName}.${method} has no handler`);
    implementation[method] = unary(logger, (request, call) => {
      const [requestId] = call.metadata.get('x-request-id');
      return handler.call(handlers, request, { requestId: requestId?.toString(), peer: call.getPeer() });
    });
  }
  return {
    name: descriptor.fullName,
    definition: load(descriptor as ServiceDescriptor<unknown, unknown>).service,
    handlers: implementation,
  };
}
