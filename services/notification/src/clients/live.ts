import type { messagingV1 } from '@diaspora/proto';
import type { Logger } from '@diaspora/service-kit';
import type { LiveChannel } from '../domain/ports.js';
import type { NotificationRecord } from '../domain/types.js';

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

  async push(notifications: NotificationRecord[]): Promise<void> {
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
}
