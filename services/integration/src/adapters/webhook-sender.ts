import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { WebhookRequest, WebhookResponse, WebhookSender } from '../domain/ports.js';
import { type AddressPolicy, RefusedTarget } from './address-policy.js';

const DETAIL_CHARS = 512;

/**
 * Delivers webhook requests under the SSRF rules: the target is resolved and judged again now, and the socket
 * connects to that judged address (a name that changed its answer since cannot redirect us); redirects are never
 * followed; the whole exchange has a deadline; only the first `maxResponseBytes` of the answer are read.
 */
export class HttpWebhookSender implements WebhookSender {
  constructor(
    private readonly policy: AddressPolicy,
    private readonly options: { timeoutMs: number; maxResponseBytes: number },
  ) {}

  async send(request: WebhookRequest): Promise<WebhookResponse> {
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    let target: Awaited<ReturnType<AddressPolicy['resolveTarget']>>;
    try {
      target = await this.policy.resolveTarget(request.url);
    } catch (error) {
      const detail = error instanceof RefusedTarget ? error.message : 'target check failed';
      return { outcome: 'refused-address', detail, durationMs: elapsed() };
    }
    const pinned: LookupFunction = (_host, options, callback) => {
      if ((options as { all?: boolean }).all) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<WebhookResponse>((resolve) => {
      let settled = false;
      const finish = (response: Omit<WebhookResponse, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        outgoing.destroy();
        resolve({ ...response, durationMs: elapsed() });
      };
      const outgoing = send(
        target.url,
        {
          method: 'POST',
          headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
          lookup: pinned,
          agent: false,
        },
        (response) => this.read(response, (result) => finish(result)),
      );
      const deadline = setTimeout(
        () => finish({ outcome: 'timeout', detail: `no answer within ${this.options.timeoutMs} ms` }),
        this.options.timeoutMs,
      );
      outgoing.on('error', (error) => finish({ outcome: 'network', detail: error.message.slice(0, DETAIL_CHARS) }));
      outgoing.end(request.body);
    });
  }

  private read(response: IncomingMessage, done: (result: Omit<WebhookResponse, 'durationMs'>) => void) {
    const status = response.statusCode ?? 0;
    const chunks: Buffer[] = [];
    let size = 0;
    const conclude = () => {
      const detail = Buffer.concat(chunks).toString('utf8').slice(0, DETAIL_CHARS);
      if (status >= 200 && status < 300) done({ outcome: 'ok', statusCode: status, ...(detail ? { detail } : {}) });
      else if (status >= 300 && status < 400)
        done({
          outcome: 'redirect',
          statusCode: status,
          detail: `redirects are not followed (to ${response.headers.location ?? '?'})`,
        });
      else done({ outcome: `http-${status}`, statusCode: status, ...(detail ? { detail } : {}) });
    };
    response.on('data', (chunk: Buffer) => {
      const room = this.options.maxResponseBytes - size;
      size += chunk.length;
      chunks.push(room >= chunk.length ? chunk : chunk.subarray(0, Math.max(0, room)));
      // A receiver streaming a huge answer has answered enough: its status is what counts.
      if (size > this.options.maxResponseBytes) conclude();
    });
    response.on('end', conclude);
    response.on('error', conclude);
  }
}
