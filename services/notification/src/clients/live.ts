import type { messagingV1 } from '@diaspora/proto';
import type { Logger } from '@diaspora/service-kit';
import type { LiveChannel } from '../domain/ports.js';
import type { NotificationRecord } from '../domain/types.js';

/** Above this many frames at once, presence is asked first. */
const PRESENCE_FIRST_ABOVE = 50;
const PRESENCE_BATCH = 500;

/**
 * Live frames through messaging's PushNotification (it holds the sockets). Best effort by design: the inbox is
 * the record, a missed frame is caught up by the next GET; a fan-out keeps `concurrency` calls in flight.
 */
export class GrpcLiveChannel implements LiveChannel {
  constructor(
    private readonly client: messagingV1.MessagingRealtimeClient,
    private readonly logger: Logger,
    private readonly concurrency = 64,
  ) {}

  async push(all: NotificationRecord[]): Promise<void> {
    const notifications = all.length > PRESENCE_FIRST_ABOVE ? await this.onlineOnly(all) : all;
    let next = 0;
    let failures = 0;
    const lane = async () => {
      while (next < notifications.length) {
        const n = notifications[next++]!;
        try {
          await this.client.pushNotification({
            userId: n.recipientId,
            notification: {
              id: n.id,
              type: n.type,
              title: n.title,
              body: n.body,
              dataJson: JSON.stringify(n.data),
              createdAt: n.createdAt.toISOString(),
            },
          });
        } catch {
          failures++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, notifications.length) }, lane));
    if (failures > 0)
      this.logger.warn({ failures, total: notifications.length }, 'live notification frames not pushed');
  }

  /**
   * A large fan-out asks messaging who has a socket open (500 ids a call) and pushes only to them: most members of
   * a national announcement are offline, and a frame to nobody is a wasted call. If presence cannot be had, every
   * recipient gets the call as usual.
   */
  private async onlineOnly(notifications: NotificationRecord[]): Promise<NotificationRecord[]> {
    const ids = [...new Set(notifications.map((n) => n.recipientId))];
    const online = new Set<string>();
    try {
      for (let start = 0; start < ids.length; start += PRESENCE_BATCH) {
        const { onlineUserIds } = await this.client.getPresence({ userIds: ids.slice(start, start + PRESENCE_BATCH) });
        for (const id of onlineUserIds) online.add(id);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'presence unavailable; pushing live frames to every recipient');
      return notifications;
    }
    return notifications.filter((n) => online.has(n.recipientId));
  }
}
