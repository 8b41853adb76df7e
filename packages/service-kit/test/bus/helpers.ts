import { randomBytes } from 'node:crypto';
import { connect } from 'nats';

/** A fresh subject domain per test so that tests sharing one nats-server never see each other's streams. */
export function uniqueDomain(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

/** Deletes the JetStream streams (and with them their consumers) that tests created for `domains`. */
export async function deleteNatsStreams(url: string, domains: Iterable<string>): Promise<void> {
  const connection = await connect({ servers: url.replace(/^nats:\/\//, '') });
  try {
    const manager = await connection.jetstreamManager();
    for (const domain of domains) {
      await manager.streams.delete(domain.toUpperCase()).catch((error: Error) => {
        if (!/not found/i.test(error.message)) throw error;
      });
    }
  } finally {
    await connection.close();
  }
}
