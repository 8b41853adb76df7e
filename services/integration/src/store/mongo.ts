import { type Collection, type Db, MongoClient } from 'mongodb';
import type {
  CalendarConnection,
  CalendarItem,
  CalendarProvider,
  Delivery,
  WebhookSubscription,
} from '../domain/model.js';
import type { CalendarStore, DeliveryStore, IntegrationStore, Page, WebhookStore } from '../domain/ports.js';
import { decodeAttempt, defined, encodeAttempt, type StoredAttempt } from './codec.js';

type SubscriptionDoc = Omit<WebhookSubscription, 'id'> & { _id: string };
type DeliveryDoc = Omit<Delivery, 'attempts' | 'id'> & { _id: string; attempts: StoredAttempt[] };
type ConnectionDoc = CalendarConnection & { _id: string };
type ItemDoc = CalendarItem & { _id: string };

const strip = <T extends { _id: string }>({ _id, ...rest }: T) => defined(rest);
const subscriptionOf = (doc: SubscriptionDoc): WebhookSubscription =>
  ({ ...strip(doc), id: doc._id }) as WebhookSubscription;
const deliveryOf = (doc: DeliveryDoc): Delivery =>
  ({ ...strip(doc), id: doc._id, attempts: doc.attempts.map(decodeAttempt) }) as Delivery;
const connectionKey = (userId: string, provider: string) => `${userId}:${provider}`;
const itemKey = (userId: string, provider: string, eventId: string) => `${userId}:${provider}:${eventId}`;

class MongoWebhooks implements WebhookStore {
  constructor(
    private readonly c: Collection<SubscriptionDoc>,
    private readonly deliveries: Collection<DeliveryDoc>,
  ) {}

  async create(s: WebhookSubscription) {
    const { id, ...rest } = s;
    await this.c.insertOne({ _id: id, ...rest });
  }
  async get(id: string) {
    const doc = await this.c.findOne({ _id: id });
    return doc ? subscriptionOf(doc) : undefined;
  }
  async list() {
    return (await this.c.find().sort({ createdAt: -1, _id: -1 }).toArray()).map(subscriptionOf);
  }
  async delete(id: string) {
    const { deletedCount } = await this.c.deleteOne({ _id: id });
    await this.deliveries.deleteMany({ subscriptionId: id });
    return deletedCount === 1;
  }
  async active() {
    return (await this.c.find({ status: 'active' }).toArray()).map(subscriptionOf);
  }
  async recordOutcome(id: string, success: boolean, at: Date) {
    const doc = await this.c.findOneAndUpdate(
      { _id: id },
      success ? { $set: { consecutiveFailures: 0, lastSuccessAt: at } } : { $inc: { consecutiveFailures: 1 } },
      { returnDocument: 'after' },
    );
    return doc ? subscriptionOf(doc) : undefined;
  }
  async setStatus(id: string, status: 'active' | 'disabled', at: Date) {
    await this.c.updateOne(
      { _id: id },
      status === 'disabled'
        ? { $set: { status, disabledAt: at } }
        : { $set: { status, consecutiveFailures: 0 }, $unset: { disabledAt: '' } },
    );
  }
}

class MongoDeliveries implements DeliveryStore {
  constructor(private readonly c: Collection<DeliveryDoc>) {}

  async createOnce(d: Delivery) {
    const { id, attempts, ...rest } = d;
    try {
      await this.c.insertOne({ _id: id, ...defined(rest), attempts: attempts.map(encodeAttempt) });
      return { delivery: d, created: true };
    } catch (error) {
      // The unique (subscriptionId, eventId) index: a redelivered event finds the delivery already there.
      if ((error as { code?: number }).code !== 11000) throw error;
      const existing = await this.c.findOne({ subscriptionId: d.subscriptionId, eventId: d.eventId });
      if (!existing) throw error;
      return { delivery: deliveryOf(existing), created: false };
    }
  }
  async get(id: string) {
    const doc = await this.c.findOne({ _id: id });
    return doc ? deliveryOf(doc) : undefined;
  }
  async list(subscriptionId: string, limit: number, after?: { at: Date; id: string }): Promise<Page<Delivery>> {
    const filter = after
      ? {
          subscriptionId,
          $or: [{ createdAt: { $lt: after.at } }, { createdAt: after.at, _id: { $lt: after.id } }],
        }
      : { subscriptionId };
    const docs = await this.c
      .find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
    const items = docs.slice(0, limit).map(deliveryOf);
    const last = items.at(-1);
    return { items, ...(docs.length > limit && last ? { next: { at: last.createdAt, id: last.id } } : {}) };
  }
  async recordAttempt(
    id: string,
    attempt: Delivery['attempts'][number],
    state: { status: Delivery['status']; runAttempts: number; nextAttemptAt?: Date },
  ) {
    const set = { status: state.status, runAttempts: state.runAttempts, updatedAt: attempt.at };
    await this.c.updateOne(
      { _id: id },
      state.nextAttemptAt
        ? { $push: { attempts: encodeAttempt(attempt) }, $set: { ...set, nextAttemptAt: state.nextAttemptAt } }
        : { $push: { attempts: encodeAttempt(attempt) }, $set: set, $unset: { nextAttemptAt: '' } },
    );
  }
  async restart(id: string, at: Date) {
    await this.c.updateOne(
      { _id: id },
      { $set: { status: 'pending', runAttempts: 0, nextAttemptAt: at, updatedAt: at } },
    );
  }
}

class MongoCalendars implements CalendarStore {
  constructor(
    private readonly connectionsC: Collection<ConnectionDoc>,
    private readonly itemsC: Collection<ItemDoc>,
  ) {}

  async connection(userId: string, provider: CalendarProvider) {
    const doc = await this.connectionsC.findOne({ _id: connectionKey(userId, provider) });
    return doc ? (strip(doc) as CalendarConnection) : undefined;
  }
  async connections(userId: string) {
    return (await this.connectionsC.find({ userId }).sort({ provider: 1 }).toArray()).map(
      (d) => strip(d) as CalendarConnection,
    );
  }
  async saveConnection(c: CalendarConnection) {
    const { createdAt, ...rest } = c;
    const unset: Record<string, ''> = {
      ...(c.syncToken ? {} : { syncToken: '' }),
      ...(c.brokenReason ? {} : { brokenReason: '' }),
    };
    await this.connectionsC.updateOne(
      { _id: connectionKey(c.userId, c.provider) },
      {
        $set: defined(rest),
        $setOnInsert: { createdAt },
        ...(Object.keys(unset).length ? { $unset: unset } : {}),
      },
      { upsert: true },
    );
  }
  async deleteConnection(userId: string, provider: CalendarProvider) {
    await this.itemsC.deleteMany({ userId, provider });
    await this.connectionsC.deleteOne({ _id: connectionKey(userId, provider) });
  }
  async activeConnections(provider: CalendarProvider) {
    return (await this.connectionsC.find({ provider, status: 'active' }).sort({ userId: 1 }).toArray()).map(
      (d) => strip(d) as CalendarConnection,
    );
  }
  async item(userId: string, provider: CalendarProvider, eventId: string) {
    const doc = await this.itemsC.findOne({ _id: itemKey(userId, provider, eventId) });
    return doc ? (strip(doc) as CalendarItem) : undefined;
  }
  async itemByRemote(userId: string, provider: CalendarProvider, remoteRef: string) {
    const doc = await this.itemsC.findOne({ userId, provider, remoteRef });
    return doc ? (strip(doc) as CalendarItem) : undefined;
  }
  async saveItem(i: CalendarItem) {
    await this.itemsC.replaceOne({ _id: itemKey(i.userId, i.provider, i.eventId) }, defined(i), { upsert: true });
  }
  async deleteItem(userId: string, provider: CalendarProvider, eventId: string) {
    await this.itemsC.deleteOne({ _id: itemKey(userId, provider, eventId) });
  }
  async itemsForEvent(eventId: string) {
    return (await this.itemsC.find({ eventId }).toArray()).map((d) => strip(d) as CalendarItem);
  }
  async items(userId: string) {
    return (await this.itemsC.find({ userId }).sort({ eventId: 1 }).toArray()).map((d) => strip(d) as CalendarItem);
  }
}

/** The integration data in MongoDB (distributed mode, INTEGRATION_STORE=mongodb; FerretDB in CI). */
export class MongoIntegrationStore implements IntegrationStore {
  readonly webhooks: MongoWebhooks;
  readonly deliveries: MongoDeliveries;
  readonly calendars: MongoCalendars;
  private readonly subscriptionsC: Collection<SubscriptionDoc>;
  private readonly deliveriesC: Collection<DeliveryDoc>;
  private readonly connectionsC: Collection<ConnectionDoc>;
  private readonly itemsC: Collection<ItemDoc>;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {
    this.subscriptionsC = db.collection('webhook_subscriptions');
    this.deliveriesC = db.collection('webhook_deliveries');
    this.connectionsC = db.collection('calendar_connections');
    this.itemsC = db.collection('calendar_items');
    this.webhooks = new MongoWebhooks(this.subscriptionsC, this.deliveriesC);
    this.deliveries = new MongoDeliveries(this.deliveriesC);
    this.calendars = new MongoCalendars(this.connectionsC, this.itemsC);
  }

  static async connect(url: string): Promise<MongoIntegrationStore> {
    const client = await new MongoClient(url, { serverSelectionTimeoutMS: 5000 }).connect();
    return new MongoIntegrationStore(client, client.db());
  }

  async init() {
    await this.deliveriesC.createIndex({ subscriptionId: 1, eventId: 1 }, { unique: true });
    await this.deliveriesC.createIndex({ subscriptionId: 1, createdAt: -1, _id: -1 });
    await this.deliveriesC.createIndex({ createdAt: 1 });
    await this.itemsC.createIndex({ eventId: 1 });
    await this.itemsC.createIndex({ userId: 1, provider: 1, remoteRef: 1 });
    await this.subscriptionsC.createIndex({ status: 1 });
  }

  async exportUser(userId: string) {
    const connections = await this.calendars.connections(userId);
    const items = await this.calendars.items(userId);
    const subscriptions = await this.subscriptionsC.find({ createdBy: userId }).toArray();
    return {
      calendarConnections: connections.map(({ credentials: _c, syncToken: _s, ...rest }) => rest),
      calendarItems: items,
      webhookSubscriptions: subscriptions.map((s) => ({
        id: s._id,
        url: s.url,
        events: s.events,
        created_at: s.createdAt,
      })),
    };
  }

  async eraseUser(userId: string) {
    await this.itemsC.deleteMany({ userId });
    await this.connectionsC.deleteMany({ userId });
    await this.subscriptionsC.updateMany({ createdBy: userId }, { $set: { createdBy: 'deleted-user' } });
  }

  async purgeDeliveriesBefore(cutoff: Date) {
    await this.deliveriesC.deleteMany({ createdAt: { $lt: cutoff }, status: { $ne: 'pending' } });
  }

  async ping() {
    await this.db.command({ ping: 1 });
  }

  async close() {
    await this.client.close();
  }
}
