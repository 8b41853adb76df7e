// The gRPC runtime (loading proto/, typed clients with deadlines, serving handlers) lives in the kit, which also
// serves the contracts every service shares; the generated code here imports it through this module.
export {
  type CallContext,
  type CallOptions,
  createClient,
  implement,
  PROTO_ROOT,
  type ServiceDescriptor,
} from '@diaspora/service-kit';
