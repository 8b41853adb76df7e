import { idempotencyMigrations, type Migration } from '@diaspora/service-kit';

/**
 * This service's tables, in order; never edit one that has shipped, add the next (CONTRIBUTING.md).
 * Money is in minor units (cents) with its ISO currency. `transactions` is append-only (a trigger refuses
 * DELETE and every UPDATE but the erasure's pseudonymization of user_id), because it is the accounting record.
 */
export const migrations: Migration[] = [
  ...idempotencyMigrations,
  {
    id: 'payment_0001_billing',
    up: `
      CREATE TABLE customers (
        provider text NOT NULL,
        customer_id text NOT NULL,
        user_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, customer_id)
      );
      CREATE UNIQUE INDEX customers_user ON customers (user_id, provider);

      CREATE TABLE subscriptions (
        id text PRIMARY KEY,
        provider text NOT NULL,
        provider_subscription_id text NOT NULL,
        user_id text NOT NULL,
        plan text NOT NULL,
        status text NOT NULL CHECK (status IN ('incomplete', 'active', 'past_due', 'canceled')),
        current_period_end timestamptz,
        cancel_at_period_end boolean NOT NULL DEFAULT false,
        past_due_since timestamptz,
        -- Whether the member currently holds premium from this subscription (activated published, not canceled).
        granted boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (provider, provider_subscription_id)
      );
      CREATE INDEX subscriptions_user ON subscriptions (user_id, updated_at DESC);
      CREATE INDEX subscriptions_past_due ON subscriptions (past_due_since) WHERE status = 'past_due' AND granted;

      CREATE TABLE webhook_events (
        provider text NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        outcome text NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, event_id)
      );

      CREATE TABLE transactions (
        id text PRIMARY KEY,
        user_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('subscription', 'ticket', 'refund')),
        amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL CHECK (status IN ('succeeded', 'refunded')),
        provider text NOT NULL,
        provider_ref text NOT NULL,
        subscription_id text,
        event_id text,
        refund_of text REFERENCES transactions (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (provider, provider_ref)
      );
      CREATE INDEX transactions_user ON transactions (user_id, id DESC);
      CREATE INDEX transactions_event ON transactions (event_id) WHERE kind = 'ticket';
      CREATE UNIQUE INDEX transactions_one_refund ON transactions (refund_of) WHERE refund_of IS NOT NULL;

      CREATE FUNCTION transactions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'transactions are append-only'; END IF;
        IF (to_jsonb(NEW) - 'user_id') IS DISTINCT FROM (to_jsonb(OLD) - 'user_id') THEN
          RAISE EXCEPTION 'transactions are append-only (only user_id may be pseudonymized)';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER transactions_append_only BEFORE UPDATE OR DELETE ON transactions
        FOR EACH ROW EXECUTE FUNCTION transactions_append_only();

      -- One counter row per year, taken FOR UPDATE by the insert's transaction: numbers are gap-free per year.
      CREATE TABLE invoice_counters (year integer PRIMARY KEY, last integer NOT NULL);
      CREATE TABLE invoices (
        id text PRIMARY KEY,
        number text NOT NULL UNIQUE,
        user_id text NOT NULL,
        transaction_id text NOT NULL UNIQUE REFERENCES transactions (id),
        amount_cents bigint NOT NULL,
        currency text NOT NULL,
        status text NOT NULL CHECK (status IN ('paid', 'refunded')),
        url text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX invoices_user ON invoices (user_id, id DESC);

      -- The local provider's objects (checkout sessions, subscriptions): what Stripe would hold for it.
      CREATE TABLE local_provider_objects (
        id text PRIMARY KEY,
        kind text NOT NULL,
        data jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX local_provider_objects_kind ON local_provider_objects (kind);`,
    down: `
      DROP TABLE local_provider_objects; DROP TABLE invoices; DROP TABLE invoice_counters;
      DROP TABLE transactions; DROP FUNCTION transactions_append_only(); DROP TABLE webhook_events;
      DROP TABLE subscriptions; DROP TABLE customers;`,
  },
];
