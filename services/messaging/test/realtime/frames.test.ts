import { Problem, problems } from '@diaspora/service-kit';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from '../../src/realtime/envelope.js';
import { errorFrame, FrameError, parseClientFrame } from '../../src/realtime/frames.js';

const code = (text: string) => {
  try {
    parseClientFrame(text);
  } catch (error) {
    return errorFrame(error, undefined);
  }
  throw new Error('expected the frame to be refused');
};

describe('client frames', () => {
  it('parses the known ops', () => {
    const send = parseClientFrame(
      JSON.stringify({
        op: 'send',
        ref: '1',
        conversationId: 'cnv_01jabcdefghjkmnpqrstvwxyz0',
        type: 'text',
        body: { text: 'hi' },
        clientMessageId: 'c1',
      }),
    );
    expect(send.op).toBe('send');
    expect(parseClientFrame('{"op":"ping"}').op).toBe('ping');
  });

  it('answers malformed JSON, non-objects, missing and unknown ops with distinct codes', () => {
    expect(code('{not json').code).toBe('bad_frame');
    expect(code('[1,2]').code).toBe('bad_frame');
    expect(code('{"ref":"x"}')).toMatchObject({ code: 'bad_frame', ref: 'x' });
    expect(code('{"op":"explode","ref":"y"}')).toMatchObject({ code: 'unknown_op', ref: 'y' });
    expect(String(code('{"op":"__proto__"}').message)).toMatch(/Unknown op/);
  });

  it('names the fields of an invalid frame', () => {
    const frame = code('{"op":"read","conversationId":"cnv_x","extra":true}');
    expect(frame.code).toBe('validation');
    expect((frame.errors as { field: string }[]).map((error) => error.field).sort()).toEqual(
      expect.arrayContaining(['conversationId', 'upTo']),
    );
  });
});

describe('error frames', () => {
  it('carry the REST problem, the quota type and Retry-After for clients to act on', () => {
    const quota = new Problem(429, {
      type: 'messaging-quota-exceeded',
      detail: 'limit',
      headers: { 'retry-after': '120' },
      extensions: { upgradeTo: 'premium' },
    });
    expect(errorFrame(quota, 'r1')).toMatchObject({
      op: 'error',
      ref: 'r1',
      code: 'quota_exceeded',
      status: 429,
      retryAfterSeconds: 120,
      problem: { type: 'https://diaspora.community/problems/messaging-quota-exceeded', upgradeTo: 'premium' },
    });
    expect(errorFrame(problems.forbidden('no'), undefined)).toMatchObject({ code: 'forbidden', status: 403 });
    expect(errorFrame(new FrameError('frame_too_large', 'big'), undefined)).toMatchObject({ code: 'frame_too_large' });
  });

  it('never leak internals of unexpected errors', () => {
    const frame = errorFrame(new Error('relation "messages" does not exist at 10.0.0.3'), 'r');
    expect(frame).toMatchObject({ code: 'internal', status: 500 });
    expect(JSON.stringify(frame)).not.toMatch(/relation|10\.0\.0\.3/);
  });
});

describe('envelopes between instances', () => {
  it('round-trip each kind and keep the frame bytes as published', () => {
    const frame = JSON.stringify({ op: 'message', message: { text: 'tab\there\nnewline' } });
    const message = {
      kind: 'message' as const,
      conversationId: 'cnv_1',
      seq: 42,
      senderId: 'usr_a',
      messageId: 'msg_1',
      frame,
    };
    expect(decodeEnvelope(encodeEnvelope(message))).toEqual(message);
    expect(decodeEnvelope(encodeEnvelope({ kind: 'frame', frame }))).toEqual({ kind: 'frame', frame });
    expect(decodeEnvelope(encodeEnvelope({ kind: 'removed', conversationId: 'cnv_1' }))).toEqual({
      kind: 'removed',
      conversationId: 'cnv_1',
    });
  });

  it('drops anything malformed instead of throwing', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(decodeEnvelope(bytes('no header'))).toBeNull();
    expect(decodeEnvelope(bytes('m\tcnv\tNaN\tusr\tmsg\n{}'))).toBeNull();
    expect(decodeEnvelope(bytes('z\n{}'))).toBeNull();
  });
});
