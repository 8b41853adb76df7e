import { Problem } from '@diaspora/service-kit';
import type { GatewayPlugin } from './types.js';

const UNITS: Record<string, number> = { bytes: 1, kilobytes: 1024, megabytes: 1024 * 1024 };

export function allowedBytes(config: Record<string, unknown>): number {
  return (
    Number(config.allowed_payload_size ?? 128) * (UNITS[String(config.size_unit ?? 'megabytes')] ?? UNITS.megabytes!)
  );
}

/** Kong request-size-limiting: 413 above the allowed payload size (and 411 without length when required). */
export const requestSizeLimiting: GatewayPlugin = {
  name: 'request-size-limiting',
  priority: 951,
  async access(context, config) {
    const declared = context.headers['content-length'];
    if (config.require_content_length && declared === undefined && context.bodyLength > 0) {
      throw new Problem(411, { detail: 'A Content-Length header is required.' });
    }
    const size = Math.max(Number(declared ?? 0), context.bodyLength);
    if (size > allowedBytes(config)) {
      throw new Problem(413, { detail: `The request body exceeds ${allowedBytes(config)} bytes.` });
    }
  },
};
