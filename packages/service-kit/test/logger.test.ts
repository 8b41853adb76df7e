import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from '../src/logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: createLogger({ service: 'test', level: 'info', destination }), lines };
}

describe('logger', () => {
  it('writes JSON lines tagged with the service', () => {
    const { logger, lines } = capture();
    logger.info({ userId: 'usr_1' }, 'hello');
    expect(lines[0]).toMatchObject({ level: 'info', service: 'test', userId: 'usr_1', msg: 'hello' });
  });

  it('redacts secrets and PII wherever our code puts them', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        password: 'p',
        body: { email: 'a@b.c', refreshToken: 'rt', profile: { phone: '+33' } },
        req: { headers: { authorization: 'Bearer x', cookie: 'c', 'user-agent': 'ua' } },
      },
      'sensitive',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['"p"', 'a@b.c', '"rt"', '+33', 'Bearer x', '"c"']) expect(text).not.toContain(secret);
    expect(text).toContain('ua');
  });

  it('masks credentials carried in query strings', () => {
    expect(redactUrl('/api/v1/messages/ws?token=abc.def&x=1')).toBe('/api/v1/messages/ws?token=[REDACTED]&x=1');
    expect(redactUrl('/cb?code=xyz')).toBe('/cb?code=[REDACTED]');
    expect(redactUrl('/plain?q=hello')).toBe('/plain?q=hello');
  });
});
