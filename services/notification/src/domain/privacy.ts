import type { Contacts, Scope, UnitOfWork } from './ports.js';

/** GDPR: what this service holds about a member (inbox, deliveries, devices, preferences), and its erasure. */
export class Privacy {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly contacts: Contacts,
  ) {}

  async export(userId: string): Promise<object> {
    const { read } = this.uow;
    const [notifications, deliveries, devices, preferences, member] = await Promise.all([
      read.notifications.allFor(userId),
      read.deliveries.allFor(userId),
      read.devices.forUser(userId),
      read.preferences.get(userId),
      read.members.find(userId),
    ]);
    return {
      notifications: notifications.map(({ recipientId: _r, ...n }) => n),
      deliveries: deliveries.map(({ recipientId: _r, ...d }) => d),
      devices: devices.map(({ userId: _u, ...d }) => d),
      preferences,
      member: member && { joinedAt: member.joinedAt, arrivedAt: member.arrivedAt, timeZone: member.timeZone },
    };
  }

  async erase(scope: Scope, userId: string): Promise<void> {
    await scope.notifications.deleteFor(userId);
    await scope.devices.deleteFor(userId);
    await scope.preferences.deleteFor(userId);
    await scope.members.deleteFor(userId);
    await this.contacts.forget(userId);
  }
}
