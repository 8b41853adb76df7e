import { describe, expect, it } from 'vitest';
import { Problem } from '../../src/errors.js';
import { CursorCodec, cursorBinding, positions } from '../../src/http/cursor.js';

const codec = new CursorCodec('s'.repeat(32));

function refusal(run: () => unknown): Problem {
  try {
    run();
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
  throw new Error('expected the cursor to be refused');
}

describe('CursorCodec', () => {
  const binding = cursorBinding('events', 'usr_01j0000000000000000000000a', { city: 'Paris' });

  it('round-trips a position under its binding', () => {
    const cursor = codec.encode(binding, ['2026-12-07T10:00:00.000Z', 'evt_01j0000000000000000000000a']);
    expect(codec.decode(cursor, binding, positions.dateAndId)).toEqual([
      '2026-12-07T10:00:00.000Z',
      'evt_01j0000000000000000000000a',
    ]);
    expect(codec.decodeOptional(undefined, binding, positions.dateAndId)).toBeUndefined();
  });

  it.each([
    [
      'an edited position',
      (c: string) => `${Buffer.from('{"b":"x","p":[1]}').toString('base64url')}.${c.split('.')[1]}`,
    ],
    ['a forged signature', (c: string) => `${c.split('.')[0]}.${'A'.repeat(32)}`],
    ['no signature', (c: string) => c.split('.')[0]!],
    ['an extra part', (c: string) => `${c}.x`],
    ['garbage', () => '!!!'],
  ])('refuses %s with 400 invalid-cursor', (_name, mangle) => {
    const cursor = codec.encode(binding, 5);
    const problem = refusal(() => codec.decode(mangle(cursor), binding, positions.count));
    expect(problem.status).toBe(400);
    expect(problem.type).toMatch(/invalid-cursor$/);
  });

  it('refuses a cursor replayed on another binding, with another secret, or of another shape', () => {
    const cursor = codec.encode(binding, 5);
    const otherViewer = cursorBinding('events', 'usr_01j0000000000000000000000b', { city: 'Paris' });
    expect(refusal(() => codec.decode(cursor, otherViewer, positions.count)).status).toBe(400);
    expect(refusal(() => new CursorCodec('t'.repeat(32)).decode(cursor, binding, positions.count)).status).toBe(400);
    expect(refusal(() => codec.decode(cursor, binding, positions.id)).status).toBe(400);
  });

  it('binds filters whatever their order, ignoring unset ones', () => {
    expect(cursorBinding('l', 'v', { a: 1, b: 'x', c: undefined })).toBe(cursorBinding('l', 'v', { b: 'x', a: 1 }));
    expect(cursorBinding('l', 'v', { a: 1 })).not.toBe(cursorBinding('l', 'v', { a: 2 }));
  });

  it('checks the common position shapes', () => {
    expect(positions.count(-1)).toBe(false);
    expect(positions.count(1.5)).toBe(false);
    expect(positions.id('usr_01j0000000000000000000000a')).toBe(true);
    expect(positions.id("usr_x' OR 1=1")).toBe(false);
    expect(positions.dateAndId(['not a date', 'evt_x'])).toBe(false);
  });
});
