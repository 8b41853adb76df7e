import type { messagingV1 } from '@diaspora/proto';
import { problems } from '@diaspora/service-kit';
import type { PresenceRegistry } from '@diaspora/service-kit/presence';
import type { LiveFanout } from '../domain/ports.js';

const USER_ID = /^usr_[0-9a-z]{26}$/;

/** The live channel for other services: the notification service pushes in-app alerts through members' sockets. */
export function realtimeHandlers(live: LiveFanout, presence: PresenceRegistry): messagingV1.MessagingRealtimeHandlers {
  return {
    async pushNotification(request) {
      if (!USER_ID.test(request.userId)) throw problems.badRequest('user_id must be a user id');
      const notification = request.notification;
      if (!notification?.id || !notification.type || !notification.title)
        throw problems.badRequest('notification needs id, type and title');
      let data: unknown = {};
      if (notification.dataJson) {
        try {
          data = JSON.parse(notification.dataJson);
        } catch {
          throw problems.badRequest('notification.data_json must be a JSON object');
        }
        if (typeof data !== 'object' || data === null || Array.isArray(data))
          throw problems.badRequest('notification.data_json must be a JSON object');
      }
      const online = (await presence.online([request.userId])).has(request.userId);
      live.frame([request.userId], {
        op: 'notification',
        notification: {
          id: notification.id,
          type: notification.type,
          title: notification.title,
          body: notification.body,
          data,
          createdAt: notification.createdAt || new Date().toISOString(),
        },
      });
      return { online };
    },
    async getPresence(request) {
      if (request.userIds.length > 500) throw problems.badRequest('at most 500 user ids per call');
      const online = await presence.online(request.userIds);
      return { onlineUserIds: request.userIds.filter((id) => online.has(id)) };
    },
  };
}
