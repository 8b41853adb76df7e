import type { Queryable } from '@diaspora/service-kit';
import type {
  AlertQuota,
  DeviceStore,
  MemberRecord,
  MemberStore,
  PreferenceStore,
  ProcessedEvents,
} from '../domain/ports.js';
import type { Device, Digest, Preferences } from '../domain/types.js';

type PreferenceRow = {
  user_id: string;
  channels: Preferences['channels'];
  quiet_start: string | null;
  quiet_end: string | null;
  digest: Digest;
};

const toPreferences = (row: PreferenceRow): Preferences => ({
  channels: row.channels,
  quietHours: row.quiet_start && row.quiet_end ? { start: row.quiet_start, end: row.quiet_end } : null,
  digest: row.digest,
});

export class PgPreferenceStore implements PreferenceStore {
  constructor(private readonly db: Queryable) {}

  async get(userId: string): Promise<Preferences | null> {
    return (await this.getMany([userId])).get(userId) ?? null;
  }

  async getMany(userIds: string[]): Promise<Map<string, Preferences>> {
    const { rows } = await this.db.query<PreferenceRow>('SELECT * FROM preferences WHERE user_id = ANY($1)', [userIds]);
    return new Map(rows.map((row) => [row.user_id, toPreferences(row)]));
  }

  async save(userId: string, p: Preferences): Promise<void> {
    await this.db.query(
      `INSERT INTO preferences (user_id, channels, quiet_start, quiet_end, digest) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE SET channels = $2, quiet_start = $3, quiet_end = $4, digest = $5,
         updated_at = now()`,
      [userId, p.channels, p.quietHours?.start ?? null, p.quietHours?.end ?? null, p.digest],
    );
  }

  async deleteFor(userId: string): Promise<void> {
    await this.db.query('DELETE FROM preferences WHERE user_id = $1', [userId]);
  }
}

type DeviceRow = {
  token: string;
  user_id: string;
  platform: Device['platform'];
  created_at: Date;
};

export class PgDeviceStore implements DeviceStore {
  constructor(private readonly db: Queryable) {}

  async upsert(device: Omit<Device, 'createdAt'>): Promise<boolean> {
    // A token moves to whoever registers it last (a shared or resold phone), never to two members at once.
    const { rows } = await this.db.query<{ inserted: boolean }>(
      `INSERT INTO devices (token, user_id, platform) VALUES ($1, $2, $3)
       ON CONFLICT (token) DO UPDATE SET user_id = $2, platform = $3, seen_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [device.token, device.userId, device.platform],
    );
    return rows[0]?.inserted ?? false;
  }

  async remove(userId: string, token: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM devices WHERE token = $1 AND user_id = $2', [token, userId]);
    return rowCount === 1;
  }

  async prune(token: string): Promise<void> {
    await this.db.query('DELETE FROM devices WHERE token = $1', [token]);
  }

  async forUser(userId: string): Promise<Device[]> {
    const { rows } = await this.db.query<DeviceRow>(
      'SELECT * FROM devices WHERE user_id = $1 ORDER BY created_at, token',
      [userId],
    );
    return rows.map((row) => ({
      token: row.token,
      userId: row.user_id,
      platform: row.platform,
      createdAt: row.created_at,
    }));
  }

  async withDevices(userIds: string[]): Promise<Set<string>> {
    const { rows } = await this.db.query<{ user_id: string }>(
      'SELECT DISTINCT user_id FROM devices WHERE user_id = ANY($1)',
      [userIds],
    );
    return new Set(rows.map((row) => row.user_id));
  }

  async deleteFor(userId: string): Promise<void> {
    await this.db.query('DELETE FROM devices WHERE user_id = $1', [userId]);
  }
}

type MemberRow = {
  user_id: string;
  joined_at: Date;
  arrived_at: string | null;
  time_zone: string;
  languages: string[];
  country: string | null;
  city: string | null;
};

const toMember = (row: MemberRow): MemberRecord => ({
  userId: row.user_id,
  joinedAt: row.joined_at,
  arrivedAt: row.arrived_at,
  timeZone: row.time_zone,
  languages: row.languages,
  country: row.country,
  city: row.city,
});

export class PgMemberStore implements MemberStore {
  constructor(private readonly db: Queryable) {}

  async upsert(m: Partial<MemberRecord> & { userId: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO members (user_id, joined_at, arrived_at, time_zone, country, city, languages)
       VALUES ($1, coalesce($2::timestamptz, now()), $3::date, coalesce($4, 'UTC'), $5, $6, coalesce($8::text[], '{}'))
       ON CONFLICT (user_id) DO UPDATE SET
         joined_at = coalesce($2, members.joined_at),
         arrived_at = CASE WHEN $7 THEN $3::date ELSE members.arrived_at END,
         time_zone = coalesce($4, members.time_zone),
         country = coalesce($5, members.country),
         city = coalesce($6, members.city),
         languages = coalesce($8::text[], members.languages)`,
      [
        m.userId,
        m.joinedAt ?? null,
        m.arrivedAt ?? null,
        m.timeZone ?? null,
        m.country ?? null,
        m.city ?? null,
        'arrivedAt' in m,
        m.languages ?? null,
      ],
    );
  }

  async atLocalHour(now: Date, hour: number) {
    // The time zone is a member's own setting; an unknown name must not break everyone's job, so it is checked.
    const { rows } = await this.db.query<MemberRow & { local_date: string }>(
      `SELECT m.user_id, m.joined_at, to_char(m.arrived_at, 'YYYY-MM-DD') AS arrived_at, m.time_zone, m.languages,
              m.country, m.city, to_char(($1::timestamptz AT TIME ZONE m.time_zone), 'YYYY-MM-DD') AS local_date
       FROM members m JOIN pg_timezone_names z ON z.name = m.time_zone
       WHERE extract(hour FROM ($1::timestamptz AT TIME ZONE m.time_zone)) = $2`,
      [now, hour],
    );
    return rows.map((row) => ({ ...toMember(row), localDate: row.local_date }));
  }

  async consulOf(country: string, city: string): Promise<string | null> {
    const { rows } = await this.db.query<{ user_id: string }>(
      'SELECT user_id FROM consuls WHERE country = $1 AND lower(city) = lower($2)',
      [country, city],
    );
    return rows[0]?.user_id ?? null;
  }

  async setConsul(userId: string, country: string, city: string | null): Promise<void> {
    if (city === null) {
      await this.db.query('DELETE FROM consuls WHERE user_id = $1 AND country = $2', [userId, country]);
      return;
    }
    await this.db.query(
      `INSERT INTO consuls (country, city, user_id) VALUES ($1, $2, $3)
       ON CONFLICT (country, city) DO UPDATE SET user_id = $3`,
      [country, city, userId],
    );
  }

  async consuls(): Promise<string[]> {
    const { rows } = await this.db.query<{ user_id: string }>('SELECT DISTINCT user_id FROM consuls ORDER BY user_id');
    return rows.map((row) => row.user_id);
  }

  async find(userId: string): Promise<MemberRecord | null> {
    const { rows } = await this.db.query<MemberRow>(
      `SELECT user_id, joined_at, to_char(arrived_at, 'YYYY-MM-DD') AS arrived_at, time_zone, languages, country,
         city FROM members WHERE user_id = $1`,
      [userId],
    );
    return rows[0] ? toMember(rows[0]) : null;
  }

  async languagesOf(userIds: string[]): Promise<Map<string, string[]>> {
    const { rows } = await this.db.query<{ user_id: string; languages: string[] }>(
      'SELECT user_id, languages FROM members WHERE user_id = ANY($1)',
      [userIds],
    );
    return new Map(rows.map((row) => [row.user_id, row.languages]));
  }

  async deleteFor(userId: string): Promise<void> {
    await this.db.query('DELETE FROM members WHERE user_id = $1', [userId]);
    await this.db.query('DELETE FROM consuls WHERE user_id = $1', [userId]);
  }
}

export class PgAlertQuota implements AlertQuota {
  constructor(private readonly db: Queryable) {}

  /** Counted from the inbox itself (index on recipient and time): no counter rows to write per alert. */
  async take(userIds: string[], day: string, cap: number): Promise<string[]> {
    if (userIds.length === 0) return [];
    const { rows } = await this.db.query<{ recipient_id: string }>(
      `SELECT recipient_id FROM notifications
       WHERE recipient_id = ANY($1) AND type = 'new_event' AND created_at >= $2::date
         AND created_at < $2::date + 1
       GROUP BY recipient_id HAVING count(*) >= $3`,
      [userIds, day, cap],
    );
    const full = new Set(rows.map((row) => row.recipient_id));
    return userIds.filter((id) => !full.has(id));
  }
}

export class PgProcessedEvents implements ProcessedEvents {
  constructor(private readonly db: Queryable) {}

  async first(consumer: string, eventId: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [consumer, eventId],
    );
    return rowCount === 1;
  }
}
