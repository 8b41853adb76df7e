import { randomUUID } from 'node:crypto';
import type { GatewayPlugin } from './types.js';

let counter = 0;
const worker = randomUUID();

/** Kong correlation-id: keeps an incoming id, or generates one; forwards it and (optionally) echoes it back. */
export const correlationId: GatewayPlugin = {
  name: 'correlation-id',
  priority: 100_001,
  async access(context, config) {
    const header = String(config.header_name ?? 'Kong-Request-ID').toLowerCase();
    const incoming = context.headers[header];
    let id = typeof incoming === 'string' && incoming ? incoming : undefined;
    // The gateway's own request id is reused so its logs and problems carry the id the client sees.
    if (!id) id = config.generator === 'uuid#counter' ? `${worker}#${++counter}` : context.requestId;
    context.upstreamHeaders[header] = id;
    if (config.echo_downstream) context.responseHeaders[header] = id;
  },
};
