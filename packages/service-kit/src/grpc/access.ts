import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROTO_ROOT } from './protos.js';

const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;
const GRPC_SERVICE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.[A-Z][A-Za-z0-9]*$/;
const METHOD = /^[A-Z][A-Za-z0-9]*$/;

/**
 * Who may call what over internal gRPC (proto/access.yaml): `package.Service` → method → caller services.
 * Deny by default: a method or caller not listed is refused.
 */
export class AccessPolicy {
  private constructor(
    /** `package.Service/Method` → the services allowed to call it. */
    private readonly callers: ReadonlyMap<string, ReadonlySet<string>>,
    /** Callers allowed on every method (test harnesses only; never read from configuration). */
    private readonly everywhere: ReadonlySet<string> = new Set(),
  ) {}

  /** Parses the YAML text of an access file; throws naming the first malformed entry. */
  static parse(text: string, source = 'access policy'): AccessPolicy {
    const document = parse(text) as unknown;
    if (!document || typeof document !== 'object' || Array.isArray(document))
      throw new Error(`${source}: expected a map of package.Service to methods`);
    const callers = new Map<string, Set<string>>();
    for (const [service, methods] of Object.entries(document)) {
      if (!GRPC_SERVICE.test(service)) throw new Error(`${source}: "${service}" is not a package.Service name`);
      if (!methods || typeof methods !== 'object' || Array.isArray(methods))
        throw new Error(`${source}: ${service} must map methods to caller lists`);
      for (const [method, allowed] of Object.entries(methods as Record<string, unknown>)) {
        if (!METHOD.test(method)) throw new Error(`${source}: ${service}: "${method}" is not a method name`);
        if (!Array.isArray(allowed) || !allowed.every((name) => typeof name === 'string' && SERVICE_NAME.test(name)))
          throw new Error(`${source}: ${service}/${method} must list service names`);
        callers.set(`${service}/${method}`, new Set(allowed as string[]));
      }
    }
    return new AccessPolicy(callers);
  }

  /** The repository's policy, proto/access.yaml (shipped with the protos in every service image). */
  static load(file = join(PROTO_ROOT, 'access.yaml')): AccessPolicy {
    return AccessPolicy.parse(readFileSync(file, 'utf8'), file);
  }

  /** Whether `caller` may call `method` (`package.Service/Method`, a gRPC path with or without its leading /). */
  allows(method: string, caller: string): boolean {
    if (this.everywhere.has(caller)) return true;
    return this.callers.get(method.replace(/^\//, ''))?.has(caller) ?? false;
  }

  /** The services allowed to call `method` (empty when it is not listed). */
  callersOf(method: string): string[] {
    return [...(this.callers.get(method.replace(/^\//, '')) ?? [])];
  }

  /** Every `package.Service/Method` the policy lists. */
  methods(): string[] {
    return [...this.callers.keys()];
  }

  /** This policy plus `caller` allowed on every method: how test harnesses call a service under test. */
  allowingEverywhere(caller: string): AccessPolicy {
    return new AccessPolicy(this.callers, new Set([...this.everywhere, caller]));
  }
}
