import { request as httpRequest, type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, type Problem } from '@diaspora/service-kit';

/** Answers a refused upgrade with a problem+json HTTP response and closes the socket. */
export function refuseUpgrade(socket: Duplex, problem: Problem, requestId: string): void {
  const body = JSON.stringify({ ...problem.toBody(), requestId });
  const headers = {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    connection: 'close',
    'x-request-id': requestId,
    ...problem.headers,
  };
  socket.end(
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n${Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\r\n')}\r\n\r\n${body}`,
  );
}

/**
 * Tunnels an accepted WebSocket upgrade to the upstream: the upstream's 101 response is relayed, then bytes
 * flow both ways until either side closes.
 */
export function tunnelUpgrade(
  client: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: { url: string; path: string; headers: Record<string, string> },
  onFailure: (error: Error) => void,
): void {
  const upstream = new URL(target.url);
  const proxied = httpRequest({
    host: upstream.hostname,
    port: upstream.port,
    method: 'GET',
    path: target.path,
    headers: { ...client.headers, ...target.headers, host: upstream.host },
  });
  proxied.on('upgrade', (response, upstreamSocket, upstreamHead) => {
    const lines = [`HTTP/1.1 101 ${response.statusMessage ?? 'Switching Protocols'}`];
    for (let i = 0; i < response.rawHeaders.length; i += 2)
      lines.push(`${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upstreamHead.length) socket.write(upstreamHead);
    if (head.length) upstreamSocket.write(head);
    upstreamSocket.pipe(socket).pipe(upstreamSocket);
    const close = () => {
      upstreamSocket.destroy();
      socket.destroy();
    };
    upstreamSocket.on('error', close);
    socket.on('error', close);
    upstreamSocket.on('close', close);
    socket.on('close', close);
  });
  // The upstream refused the upgrade: relay its plain HTTP answer (e.g. its own 401 or 400).
  proxied.on('response', (response) => {
    const lines = [`HTTP/1.1 ${response.statusCode} ${response.statusMessage ?? ''}`];
    for (let i = 0; i < response.rawHeaders.length; i += 2)
      lines.push(`${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    response.pipe(socket);
  });
  proxied.on('error', onFailure);
  proxied.end();
}
