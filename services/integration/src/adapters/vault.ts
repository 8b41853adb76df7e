import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { SealedSecret } from '../domain/model.js';
import type { Vault } from '../domain/ports.js';

const IV = 12;
const TAG = 16;

function encrypt(key: Buffer, plaintext: Buffer): string {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function decrypt(key: Buffer, sealed: string): Buffer {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV));
  decipher.setAuthTag(raw.subarray(IV, IV + TAG));
  return Buffer.concat([decipher.update(raw.subarray(IV + TAG)), decipher.final()]);
}

/** A key-encryption key from configured key material, and the id records keep to find it after a rotation. */
function keyEncryptionKey(material: string): { id: string; key: Buffer } {
  const key = Buffer.from(hkdfSync('sha256', material, 'diaspora-integration', 'key-encryption-key', 32));
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

/**
 * Envelope encryption: each secret gets its own random data key (AES-256-GCM); the data key is stored wrapped by
 * the configured key (INTEGRATION_ENCRYPTION_KEY) together with that key's id. Rotation: the new key seals, the
 * previous ones (INTEGRATION_ENCRYPTION_PREVIOUS_KEYS) still open what they sealed, and `needsReseal` tells
 * writers which records to seal again.
 */
export class EnvelopeVault implements Vault {
  private readonly current: { id: string; key: Buffer };
  private readonly keys = new Map<string, Buffer>();

  constructor(currentKey: string, previousKeys: string[] = []) {
    this.current = keyEncryptionKey(currentKey);
    for (const material of [currentKey, ...previousKeys]) {
      const { id, key } = keyEncryptionKey(material);
      this.keys.set(id, key);
    }
  }

  seal(plaintext: string): SealedSecret {
    const dataKey = randomBytes(32);
    return {
      keyId: this.current.id,
      wrappedKey: encrypt(this.current.key, dataKey),
      ciphertext: encrypt(dataKey, Buffer.from(plaintext, 'utf8')),
    };
  }

  open(sealed: SealedSecret): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new Error(`no encryption key with id ${sealed.keyId} is configured`);
    return decrypt(decrypt(key, sealed.wrappedKey), sealed.ciphertext).toString('utf8');
  }

  needsReseal(sealed: SealedSecret): boolean {
    return sealed.keyId !== this.current.id;
  }
}
