import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

/** Resident memory of a process in bytes (Linux /proc), for "RSS per 1k connections". */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

export interface ChatClient {
  socket: WebSocket;
  index: number;
}

/** Opens `count` sockets, `concurrency` at a time; `onFrame` sees every frame of every socket. */
export async function openSockets(
  count: number,
  url: (index: number) => string,
  onFrame: (index: number, data: string) => void,
  onOpen?: (socket: WebSocket, index: number) => void,
  concurrency = 50,
): Promise<ChatClient[]> {
  const clients: ChatClient[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const socket = new WebSocket(url(index), { perMessageDeflate: false });
      socket.on('message', (data) => onFrame(index, data.toString()));
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => {
          onOpen?.(socket, index);
          resolve();
        });
        socket.once('error', reject);
        socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
      });
      clients[index] = { socket, index };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return clients;
}

export async function closeSockets(clients: ChatClient[]): Promise<void> {
  await Promise.all(
    clients.map(
      ({ socket }) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === socket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.close();
          setTimeout(() => {
            socket.terminate();
            resolve();
          }, 2000).unref();
        }),
    ),
  );
}

export interface LatencyRun {
  sent: number;
  received: number;
  /** Sent during the measured window but never received within the grace period. */
  lost: number;
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN;

/**
 * Drives a send schedule across all clients (each sends once every `intervalMs`, phases spread evenly) and
 * measures send → receive latency of what `received(key)` reports. Returns after `seconds` plus a grace period.
 */
export async function measureLatency(options: {
  clients: number;
  intervalMs: number;
  seconds: number;
  send: (index: number, key: string) => void;
  /** Registers the hook the frame handler calls when a message arrives at its destination. */
  onReceived: (hook: (key: string) => void) => void;
}): Promise<LatencyRun> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let received = 0;
  options.onReceived((key) => {
    const at = sentAt.get(key);
    if (at === undefined) return;
    sentAt.delete(key);
    latencies.push(performance.now() - at);
    received++;
  });
  const started = performance.now();
  const end = started + options.seconds * 1000;
  let sent = 0;
  let tick = 0;
  // Keys are unique across runs: the chat service treats a repeated clientMessageId as a retry.
  const run = Math.random().toString(36).slice(2, 8);
  // A 5 ms scheduler: each client's turn comes once per interval, phases spread over the interval.
  const slot = options.intervalMs / options.clients;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (now >= end) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor((now - started) / slot);
      for (; tick < due; tick++) {
        const index = tick % options.clients;
        const key = `${run}.${index}-${tick}`;
        sentAt.set(key, performance.now());
        options.send(index, key);
        sent++;
      }
    }, 5);
  });
  await new Promise((resolve) => setTimeout(resolve, 2000)); // grace for the last ones
  const sorted = latencies.sort((a, b) => a - b);
  return {
    sent,
    received,
    lost: sentAt.size,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    perSecond: received / options.seconds,
  };
}
