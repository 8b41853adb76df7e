import { problems } from '@diaspora/service-kit';
import type { UnitOfWork } from './ports.js';
import type { Device } from './types.js';

/** FCM registration tokens: long URL-safe strings (about 150–200 characters, with a `:` after the instance id). */
const FCM_TOKEN = /^[A-Za-z0-9_:-]{100,4096}$/;

export class Devices {
  constructor(private readonly uow: UnitOfWork) {}

  /** Idempotent: the same token again only refreshes it. True when it was new. */
  async register(userId: string, token: string, platform: Device['platform']): Promise<boolean> {
    if (!FCM_TOKEN.test(token))
      throw problems.validation([{ field: 'token', message: 'is not an FCM registration token' }]);
    return this.uow.read.devices.upsert({ token, userId, platform });
  }

  async remove(userId: string, token: string): Promise<void> {
    if (!(await this.uow.read.devices.remove(userId, token))) throw problems.notFound('device');
  }
}
