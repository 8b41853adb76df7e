import * as grpc from '@grpc/grpc-js';
import { ConfigError } from '../config.js';

/** PEMs of the service's gRPC certificate, its key and the CA that signs every service's certificate. */
export interface GrpcTlsSettings {
  GRPC_TLS_CERT?: string | undefined;
  GRPC_TLS_KEY?: string | undefined;
  GRPC_TLS_CA?: string | undefined;
}

export interface GrpcTls {
  /** The server requires a client certificate signed by the CA (mutual TLS). */
  server: grpc.ServerCredentials;
  /** Clients check the server's certificate against the CA and present the service's own. */
  client: grpc.ChannelCredentials;
}

const pem = (value: string) => Buffer.from(value.replace(/\\n/g, '\n'));

/**
 * Mutual TLS for internal gRPC where no service mesh encrypts pod-to-pod traffic: all three settings, or none
 * (plain gRPC, e.g. all-in-one or behind a mesh). Certificates name the service's DNS name (`<name>-service`).
 */
export function grpcTls(settings: GrpcTlsSettings, service: string): GrpcTls | undefined {
  const names = ['GRPC_TLS_CERT', 'GRPC_TLS_KEY', 'GRPC_TLS_CA'] as const;
  const missing = names.filter((name) => !settings[name]);
  if (missing.length === names.length) return undefined;
  if (missing.length)
    throw new ConfigError(
      `invalid configuration for the ${service} service:\n${missing
        .map((name) => `  - ${name}: is required with ${names.filter((n) => !missing.includes(n)).join(' and ')}`)
        .join('\n')}`,
    );
  const cert = pem(settings.GRPC_TLS_CERT!);
  const key = pem(settings.GRPC_TLS_KEY!);
  const ca = pem(settings.GRPC_TLS_CA!);
  try {
    return {
      server: grpc.ServerCredentials.createSsl(ca, [{ cert_chain: cert, private_key: key }], true),
      client: grpc.credentials.createSsl(ca, key, cert),
    };
  } catch (error) {
    throw new ConfigError(
      `invalid configuration for the ${service} service:\n  - GRPC_TLS_*: ${(error as Error).message}`,
    );
  }
}
