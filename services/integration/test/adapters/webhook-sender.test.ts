import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../src/adapters/address-policy.js';
import { HttpWebhookSender } from '../../src/adapters/webhook-sender.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: Parameters<typeof createServer>[1]) {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

const request = (url: string) => ({ url, headers: { 'content-type': 'application/json' }, body: '{"hello":"world"}' });
const sender = (
  options: Partial<{ timeoutMs: number; maxResponseBytes: number; resolve: AddressPolicy['resolveTarget'] }> = {},
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>,
) =>
  new HttpWebhookSender(new AddressPolicy({ allowPrivate: true, ...(resolve ? { resolve } : {}) }), {
    timeoutMs: options.timeoutMs ?? 2000,
    maxResponseBytes: options.maxResponseBytes ?? 1024,
  });

describe('webhook delivery over HTTP', () => {
  it('posts the body and reports the answer', async () => {
    let seen = '';
    const port = await serve((req, res) => {
      req.on('data', (chunk) => (seen += chunk));
      req.on('end', () => res.writeHead(201).end('thanks'));
    });
    const result = await sender().send(request(`http://127.0.0.1:${port}/hook`));
    expect(result).toMatchObject({ outcome: 'ok', statusCode: 201, detail: 'thanks' });
    expect(seen).toBe('{"hello":"world"}');
  });

  it('gives up on a slow target at the deadline, and a slow target does not hold up another delivery', async () => {
    const slow = await serve(() => {}); // never answers
    const fast = await serve((_req, res) => res.writeHead(200).end());
    const s = sender({ timeoutMs: 600 });
    const started = Date.now();
    const [slowResult, fastResult] = await Promise.all([
      s.send(request(`http://127.0.0.1:${slow}/`)),
      (async () => {
        const result = await s.send(request(`http://127.0.0.1:${fast}/`));
        return { ...result, at: Date.now() - started };
      })(),
    ]);
    expect(slowResult.outcome).toBe('timeout');
    expect(slowResult.durationMs).toBeGreaterThanOrEqual(550);
    expect(fastResult).toMatchObject({ outcome: 'ok' });
    expect(fastResult.at).toBeLessThan(500);
  });

  it('does not follow redirects (to a metadata address or anywhere)', async () => {
    let followed = false;
    const target = await serve((_req, res) => {
      followed = true;
      res.writeHead(200).end();
    });
    const port = await serve((_req, res) => res.writeHead(307, { location: `http://127.0.0.1:${target}/` }).end());
    const result = await sender().send(request(`http://127.0.0.1:${port}/`));
    expect(result).toMatchObject({ outcome: 'redirect', statusCode: 307 });
    expect(followed).toBe(false);
    const meta = await serve((_req, res) =>
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    );
    expect((await sender().send(request(`http://127.0.0.1:${meta}/`))).outcome).toBe('redirect');
  });

  it('reads at most the configured bytes of a huge answer', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const pump = () => {
        while (sent < 200 && res.write(chunk)) sent++;
        if (sent < 200) res.once('drain', pump);
        else res.end();
      };
      pump();
    });
    const result = await sender({ maxResponseBytes: 4096 }).send(request(`http://127.0.0.1:${port}/`));
    expect(result.outcome).toBe('ok');
    expect(result.detail!.length).toBeLessThanOrEqual(512);
    expect(result.durationMs).toBeLessThan(2000);
  });

  it('re-checks the name at delivery and connects to the address it checked (DNS rebinding)', async () => {
    const port = await serve((_req, res) => res.writeHead(200).end());
    let answers = 0;
    // First answer (at subscription time) was fine; now the name points at the metadata endpoint.
    const rebinding = async () =>
      answers++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '169.254.169.254', family: 4 }];
    const s = sender({}, rebinding);
    expect((await s.send(request(`http://hooks.example:${port}/`))).outcome).toBe('ok');
    const refused = await s.send(request(`http://hooks.example:${port}/`));
    expect(refused).toMatchObject({ outcome: 'refused-address' });
  });

  it('reports an unreachable target', async () => {
    const port = await serve(() => {});
    servers[0]!.close();
    servers[0]!.closeAllConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const result = await sender().send(request(`http://127.0.0.1:${port}/`));
    expect(result.outcome).toBe('network');
  });
});
