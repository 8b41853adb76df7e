import { commonV1, createClient } from '@diaspora/proto';
import { PeerAbsentError, type PeerExporter } from '../domain/gdpr.js';

/** gRPC status codes a peer may fail with, as the archive names them. */
const REASONS: Record<number, string> = {
  4: 'deadline-exceeded',
  5: 'not-found',
  12: 'unimplemented',
  14: 'unavailable',
};

function reasonOf(error: unknown): string {
  const { code, details } = error as { code?: number; details?: string };
  return typeof code === 'number' ? (REASONS[code] ?? `grpc-status-${code}`) : (details ?? 'unreachable');
}

/**
 * The services asked for their part of a GDPR export (`common.v1.UserData`), from USER_DATA_EXPORT_PEERS
 * (`name=host:port` entries). A failed call becomes a `PeerAbsentError` naming why, for the archive.
 */
export function userDataPeers(entries: string[], deadlineMs: number): { peers: PeerExporter[]; close(): void } {
  const clients = entries.map((entry) => {
    const [name, address] = entry.split('=') as [string, string];
    // Every peer serves the same contract: the name tells the service token whom it is for.
    return { name, client: createClient(commonV1.UserData, address, { deadlineMs, target: name }) };
  });
  return {
    peers: clients.map(({ name, client }) => ({
      name,
      async exportUserData(userId) {
        try {
          return (await client.exportUserData({ userId })).json;
        } catch (error) {
          throw new PeerAbsentError(reasonOf(error), { cause: error });
        }
      },
    })),
    close() {
      for (const { client } of clients) client.close();
    },
  };
}
