import { type Cache, getOrComputeOnce, type Logger, newId } from '@diaspora/service-kit';

/** What an invalidation needs to know about a change, as events.event.* and events.registration.* carry it. */
export interface EventChange {
  eventId: string;
  country?: string;
  parentEventId?: string;
  /** Fields an edit changed (events.event.updated); a change of place moves the event between listings. */
  changed?: string[];
}

const PLACE_FIELDS = ['country', 'city', 'venue', 'parentEventId', 'status'];

/**
 * Response caching for the reads that are the same for many viewers (an event's public detail, a listing page
 * per audience or filter), through the kit cache port with stampede protection and stale-while-revalidate.
 * Invalidation follows this service's own changes, never time alone: a change deletes the event's detail and
 * renews the generation of its country, which is part of every listing key of that country (a renewed
 * generation makes the old entries unreachable; they age out). Unfiltered listings use the `any` generation;
 * a change of place (or an erasure) renews `moved`, which every key holds.
 * The write path calls `invalidate` right after its commit (read-your-writes for the member who wrote); the
 * consumer of the same domain events calls it again, for changes committed in a consumer's transaction and as
 * a second delete closing the window where a read that began before the commit stores what it read.
 */
export class ReadCache {
  constructor(
    private readonly cache: Cache | undefined,
    private readonly options: { ttlMs: number; staleMs: number; logger?: Logger },
  ) {}

  private async generation(scope: string): Promise<string> {
    const key = `gen:${scope}`;
    const current = await this.cache!.get(key);
    if (current) return current;
    // A generation that is absent (never set, or evicted) starts anew rather than at a value used before.
    await this.cache!.setIfAbsent(key, newId('gen'), 365 * 86_400_000);
    return (await this.cache!.get(key)) ?? 'none';
  }

  private async renew(scope: string): Promise<void> {
    await this.cache!.set(`gen:${scope}`, newId('gen'), 365 * 86_400_000);
  }

  /** The key of a listing over `countries` (none: every country), current generations included. */
  async listingKey(kind: string, countries: (string | undefined)[], rest: string): Promise<string> {
    const places = countries.filter((country): country is string => !!country);
    const scopes = ['moved', ...(places.length ? places : ['any'])];
    if (!this.cache) return '';
    try {
      const generations = await Promise.all(scopes.map((scope) => this.generation(scope)));
      return `${kind}:${generations.join('.')}:${rest}`;
    } catch (error) {
      return this.unavailable(error); // no key: `shared` answers from the database
    }
  }

  async detailKey(eventId: string): Promise<string> {
    if (!this.cache) return '';
    try {
      return `event:${await this.generation('moved')}:${eventId}`;
    } catch (error) {
      return this.unavailable(error);
    }
  }

  private unavailable(error: unknown): '' {
    this.options.logger?.warn({ err: error }, 'read cache unavailable; answering from the database');
    return '';
  }

  /** The cached answer under `key`, or what `compute` gives (computed once at a time); compute alone if the cache fails. */
  async shared(key: string, compute: () => Promise<string>): Promise<string> {
    if (!this.cache || !key) return compute();
    let computeFailed = false;
    const guarded = () =>
      compute().catch((error: unknown) => {
        computeFailed = true;
        throw error;
      });
    try {
      return await getOrComputeOnce(this.cache, key, guarded, {
        ttlMs: this.options.ttlMs,
        staleMs: this.options.staleMs,
        onRefreshError: (error) => this.options.logger?.warn({ err: error, key }, 'cached read refresh failed'),
      });
    } catch (error) {
      if (computeFailed) throw error;
      this.options.logger?.warn({ err: error, key }, 'read cache unavailable; answering from the database');
      return compute();
    }
  }

  /** Forgets what `change` made out of date; a cache failure is logged (entries then age out with their ttl). */
  async invalidate(change: EventChange): Promise<void> {
    if (!this.cache) return;
    const moved = change.changed?.some((field) => PLACE_FIELDS.includes(field)) ?? false;
    try {
      const detail = await this.detailKey(change.eventId);
      await Promise.all([
        ...(detail ? [this.cache.delete(detail)] : []),
        ...(change.parentEventId
          ? [this.detailKey(change.parentEventId).then((key) => (key ? this.cache!.delete(key) : undefined))]
          : []),
        this.renew('any'),
        ...(change.country ? [this.renew(change.country)] : []),
        ...(moved || !change.country ? [this.renew('moved')] : []),
      ]);
    } catch (error) {
      this.options.logger?.warn({ err: error, eventId: change.eventId }, 'read cache invalidation failed');
    }
  }

  /** Everything cached goes out of date (an erasure rewrote events without announcing each). */
  async invalidateAll(): Promise<void> {
    if (this.cache) await this.renew('moved').catch(() => undefined);
  }
}
