import { describe, expect, it } from 'vitest';
import { EnvelopeVault } from '../../src/adapters/vault.js';

const OLD = 'old-key-material-0123456789abcdefghijklmnop';
const NEW = 'new-key-material-0123456789abcdefghijklmnop';

describe('envelope encryption of secrets at rest', () => {
  it('seals with a data key of its own per record and opens it again', () => {
    const vault = new EnvelopeVault(OLD);
    const a = vault.seal('app-password-1');
    const b = vault.seal('app-password-1');
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(JSON.stringify(a)).not.toContain('app-password');
    expect(vault.open(a)).toBe('app-password-1');
  });

  it('keeps opening what an earlier key sealed after a rotation, and says it needs resealing', () => {
    const sealed = new EnvelopeVault(OLD).seal('refresh-token');
    const rotated = new EnvelopeVault(NEW, [OLD]);
    expect(rotated.open(sealed)).toBe('refresh-token');
    expect(rotated.needsReseal(sealed)).toBe(true);
    expect(rotated.needsReseal(rotated.seal('x'))).toBe(false);
    expect(() => new EnvelopeVault(NEW).open(sealed)).toThrow(/no encryption key/);
  });

  it('refuses tampered records', () => {
    const vault = new EnvelopeVault(OLD);
    const sealed = vault.seal('secret');
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => vault.open({ ...sealed, ciphertext: bytes.toString('base64') })).toThrow();
  });
});
