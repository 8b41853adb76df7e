import { newId, Problem, problems } from '@diaspora/service-kit';
import type { ObjectStorage } from '@diaspora/service-kit/storage';
import type { MediaStore } from './ports.js';

/** What may be attached, with the leading bytes each must start with (a declared type must match the content). */
const TYPES: Record<string, { ext: string; matches: (bytes: Buffer) => boolean }> = {
  'image/jpeg': { ext: 'jpg', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  'image/png': { ext: 'png', matches: (b) => b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')) },
  'image/gif': { ext: 'gif', matches: (b) => /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1')) },
  'image/webp': {
    ext: 'webp',
    matches: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  'video/mp4': { ext: 'mp4', matches: (b) => b.subarray(4, 8).toString('latin1') === 'ftyp' },
  'audio/mp4': { ext: 'm4a', matches: (b) => b.subarray(4, 8).toString('latin1') === 'ftyp' },
  'audio/mpeg': {
    ext: 'mp3',
    matches: (b) => b.subarray(0, 3).toString('latin1') === 'ID3' || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0),
  },
  'audio/ogg': { ext: 'ogg', matches: (b) => b.subarray(0, 4).toString('latin1') === 'OggS' },
  'application/pdf': { ext: 'pdf', matches: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
};

export const MEDIA_TYPES = Object.keys(TYPES);

/** Uploads for attachments: stored through the storage port, recorded as the uploader's until a message uses them. */
export class MediaService {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly media: MediaStore,
  ) {}

  async upload(ownerId: string, contentType: string, bytes: Buffer) {
    const type = TYPES[contentType];
    if (!type)
      throw new Problem(415, {
        detail: `Attachments may be ${MEDIA_TYPES.join(', ')}.`,
        type: 'unsupported-media-type',
      });
    if (bytes.length === 0) throw problems.badRequest('The upload is empty.', 'empty-upload');
    if (!type.matches(bytes)) throw problems.badRequest(`The content is not ${contentType}.`, 'content-mismatch');
    const id = newId('med');
    const key = `messages/${ownerId}/${id}.${type.ext}`;
    const stored = await this.storage.put(key, bytes, { contentType });
    await this.media.insert({ id, ownerId, key, contentType, size: stored.size });
    return { id, contentType, size: stored.size, url: await this.storage.signedUrl(key) };
  }

  /** Files of uploads no message took within a day go (someone picked a photo, then never sent it). */
  async purgeAbandoned(olderThanMs = 86_400_000): Promise<number> {
    const keys = await this.media.purgeUnattached(olderThanMs, 500);
    await Promise.all(keys.map((key) => this.storage.delete(key)));
    return keys.length;
  }
}
