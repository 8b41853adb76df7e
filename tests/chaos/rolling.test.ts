import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Ledger, openLedger, printEvents } from './events.js';
import { printLoad, startLoad } from './load.js';
import { attach, ROOT, waitFor } from './platform.js';

// The suite has no package of its own: the ws client messaging's tests use.
const WebSocket = createRequire(join(ROOT, 'services/messaging/package.json'))('ws') as typeof import('ws').WebSocket;

const platform = attach(inject('platform'));
let ledger: Ledger;
beforeAll(async () => {
  ledger = await openLedger(platform.info.servers.POSTGRES_URL!, platform.info.servers.NATS_URL!);
});
afterAll(async () => {
  await ledger?.close();
});

/**
 * A chat device as the apps keep one: on every (re)connection it resumes from the last message it saw in each
 * conversation, so the server sends what it missed before live messages.
 */
function chatDevice(gatewayUrl: string, token: string) {
  const received = new Set<string>();
  const lastSeen = new Map<string, string>(); // conversation → last message id
  let connections = 0;
  let open = true;
  let socket: InstanceType<typeof WebSocket> | undefined;
  const connect = () => {
    if (!open) return;
    socket = new WebSocket(`${gatewayUrl.replace(/^http/, 'ws')}/api/v1/messages/ws?token=${token}`);
    socket.on('open', () => {
      connections++;
      socket!.send(JSON.stringify({ op: 'resume', lastMessageIds: [...lastSeen.values()] }));
    });
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { op: string; message?: { id: string; conversationId: string } };
      if (frame.op !== 'message' || !frame.message) return;
      received.add(frame.message.id);
      lastSeen.set(frame.message.conversationId, frame.message.id);
    });
    socket.on('error', () => undefined); // followed by close
    socket.on('close', () => setTimeout(connect, 250));
  };
  connect();
  return {
    received,
    connections: () => connections,
    close() {
      open = false;
      socket?.close();
    },
  };
}

describe('rolling restart by SIGTERM of every service, under load', () => {
  it('loses nothing, fails no request while a two-instance service restarts, chat devices catch up fully', async () => {
    const mark = await ledger.mark();
    const load = await startLoad(platform.gatewayUrl);
    const bob = chatDevice(platform.gatewayUrl, load.bob.token);
    await waitFor('the chat device to connect', async () => bob.connections() > 0);
    const before = Object.fromEntries(platform.processes().map((p) => [p.id, p.pid]));
    const restarts = platform.rollingRestarts();
    const started = Date.now();
    process.kill(platform.supervisor(), 'SIGUSR2');
    await waitFor(
      'the rolling restart to finish',
      async () => {
        load.phase(`${platform.restarting() ?? 'none'} restarting`); // failures counted by the process restarting
        return platform.rollingRestarts() > restarts;
      },
      600_000,
    );
    load.phase('after');
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    await new Promise((r) => setTimeout(r, 2000));
    await load.stop();
    const figures = await load.verify(ledger.existing);
    printLoad(`rolling restart of every service (${seconds} s)`, figures);
    const messages = load.acknowledgedOf('message');
    await waitFor(
      'the chat device to have every message',
      async () => messages.every((id) => bob.received.has(id)),
      30_000,
    ).catch(() => undefined);
    const missing = messages.filter((id) => !bob.received.has(id));
    console.log(
      `[chat] ${messages.length} messages sent, ${messages.length - missing.length} received by the WebSocket device ` +
        `over ${bob.connections()} connections, missing ${missing.length}`,
    );
    for (const id of missing) console.error(`[chat] missing ${id}`);
    bob.close();
    const events = await ledger.account(mark);
    printEvents('rolling restart of every service', events);

    for (const p of platform.processes().filter((p) => p.id !== 'gateway')) expect(p.pid).not.toBe(before[p.id]);
    // Two instances drain one after the other: nothing fails. (A single instance's surge is not there yet:
    // its failures are printed above, by the process restarting, and left as a known limit.)
    const whileTwoInstanceRestart = Object.keys(figures.failures).filter((key) =>
      /\((content|messaging)(-2)? restarting\)$/.test(key),
    );
    expect(whileTwoInstanceRestart).toEqual([]);
    expect(figures.lost).toBe(0);
    expect(bob.connections()).toBeGreaterThan(1);
    expect(missing).toEqual([]);
    expect(events.lost).toBe(0);
  }, 660_000);
});
