import { AdminSettingsUpdated } from '@diaspora/events';
import { problems } from '@diaspora/service-kit';
import type { UnitOfWork } from './ports.js';
import type { Admin } from './scope.js';
import { type PlatformSettings, SETTING_NAMES } from './settings-model.js';

export interface SettingsView {
  settings: PlatformSettings;
  version: number;
  updatedBy?: string;
  updatedAt?: string;
}

/**
 * Platform settings: read by every admin, changed by super users only. A change is saved, audited and published
 * (admin.settings.updated) in one transaction; the owning services apply their part from the event.
 */
export class PlatformSettingsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly defaults: PlatformSettings,
  ) {}

  async get(): Promise<SettingsView> {
    const saved = await this.uow.read.settings.get();
    if (!saved) return { settings: this.defaults, version: 0 };
    return {
      settings: { ...this.defaults, ...saved.value },
      version: saved.version,
      updatedBy: saved.updatedBy,
      updatedAt: saved.updatedAt.toISOString(),
    };
  }

  async update(admin: Admin, patch: Partial<PlatformSettings>): Promise<SettingsView> {
    if (!admin.isSuper) throw problems.forbidden('Only a super user changes platform settings.');
    return this.uow.run(async (scope) => {
      const saved = await scope.settings.get();
      const before = { ...this.defaults, ...saved?.value };
      const after = { ...before, ...patch };
      const changed = SETTING_NAMES.filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
      if (changed.length === 0) return this.get();
      const at = new Date();
      const version = await scope.settings.save(after, admin.id, at, saved?.version ?? 0);
      if (version === null)
        throw problems.conflict('The settings changed meanwhile; reload and retry.', 'settings-conflict');
      await scope.audit.append({
        at,
        actorId: admin.id,
        action: 'settings.updated',
        targetType: 'settings',
        targetId: 'platform',
        details: { changed, before: pick(before, changed), after: pick(after, changed) },
      });
      await scope.publish(AdminSettingsUpdated, { settings: after, changed, byUserId: admin.id, at: at.toISOString() });
      return { settings: after, version, updatedBy: admin.id, updatedAt: at.toISOString() };
    });
  }
}

const pick = (settings: PlatformSettings, names: string[]) =>
  Object.fromEntries(names.map((name) => [name, settings[name as keyof PlatformSettings]]));
