import type { JobScheduler } from '@diaspora/service-kit/jobs';
import type { DeliveryPlanner } from '../domain/ports.js';

/** pg-boss's schema in this service's database (made by the migrations). */
export const JOB_SCHEMA = 'notification_jobs';
export const QUEUES = {
  /** Pushes and emails; a failed try is retried with a doubling delay (DELIVERY_MAX_ATTEMPTS bounds it). */
  delivery: 'notification-delivery',
  /** Hourly: digest emails due (hourly ones, and daily ones at the member's morning). */
  digest: 'notification-digest',
  /** Hourly: anniversaries and welcomes of members for whom it is now 09:00. */
  anniversaries: 'notification-anniversaries',
  /** Quarterly: consuls behind their yearly quota of local events. */
  consulQuota: 'notification-consul-quota',
} as const;

export interface DeliveryJob {
  deliveryIds: string[];
}

/** Deliveries per job: one fan-out becomes a few jobs, not one per recipient. */
const IDS_PER_JOB = 200;

export class PgDeliveryPlanner implements DeliveryPlanner {
  constructor(private readonly jobs: JobScheduler) {}

  async deliver(deliveryIds: string[], runAt = new Date()): Promise<void> {
    for (let start = 0; start < deliveryIds.length; start += IDS_PER_JOB) {
      const ids = deliveryIds.slice(start, start + IDS_PER_JOB);
      const data: DeliveryJob = { deliveryIds: ids };
      await this.jobs.schedule(QUEUES.delivery, data, { key: `${ids[0]}:${runAt.toISOString()}`, runAt });
    }
  }
}
