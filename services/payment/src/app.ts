import { randomBytes } from 'node:crypto';
import { createClient, eventV1 } from '@diaspora/proto';
import { ConfigError, createUnitOfWork, defineService, every, serviceSecret, userData } from '@diaspora/service-kit';
import { LocalProvider } from './adapters/local-provider.js';
import { PayPalProvider } from './adapters/paypal-provider.js';
import { PayPalWebhookEndpoint } from './adapters/paypal-webhooks.js';
import { StripeProvider } from './adapters/stripe-provider.js';
import { stripeWebhookVerifier } from './adapters/stripe-webhook-endpoint.js';
import { GrpcEventCatalog } from './clients/event-catalog.js';
import { parsePlans, paymentConfig } from './config.js';
import { Billing } from './domain/billing.js';
import type { PaymentProvider, ProviderName, Stores } from './domain/ports.js';
import { Privacy } from './domain/privacy.js';
import { revokeAfterGrace } from './domain/subscriptions.js';
import { WebhookReceiver } from './domain/webhooks.js';
import { paymentConsumers } from './events/consumers.js';
import { localCheckoutRoutes } from './http/local-checkout-routes.js';
import { paymentRoutes } from './http/routes.js';
import { webhookRoutes } from './http/webhook-routes.js';
import { migrations } from './store/migrations.js';
import { paymentStores } from './store/stores.js';

const DAY_MS = 86_400_000;

export const paymentService = defineService({
  name: 'payment',
  openapi: {
    title: 'Payment service',
    description:
      'Premium subscriptions and premium-event tickets through Stripe (Apple Pay and Google Pay on its checkout) ' +
      'or a local provider offline; signed idempotent webhooks, an append-only ledger and yearly-numbered invoices.',
    version: '1.0.0',
  },
  config: paymentConfig,
  migrations,
  async setup({ config, db, outbox, logger, cursors }) {
    const uow = createUnitOfWork<Stores>(db, outbox, paymentStores);
    const plans = parsePlans(config.PLANS);
    const planMap = new Map(plans.map((plan) => [plan.id, plan]));
    const graceMs = config.PAST_DUE_GRACE_DAYS * DAY_MS;
    const urls = { successUrl: config.CHECKOUT_SUCCESS_URL, cancelUrl: config.CHECKOUT_CANCEL_URL };

    // Stripe with a secret key; otherwise the local provider (all-in-one, offline), which signs its own webhooks.
    let stripe: PaymentProvider;
    let local: LocalProvider | undefined;
    let webhookSecret: string;
    if (config.STRIPE_SECRET_KEY) {
      if (!config.STRIPE_WEBHOOK_SECRET)
        throw new ConfigError(
          'invalid configuration for the payment service:\n  - STRIPE_WEBHOOK_SECRET: is required with STRIPE_SECRET_KEY',
        );
      webhookSecret = config.STRIPE_WEBHOOK_SECRET;
      stripe = new StripeProvider({
        secretKey: config.STRIPE_SECRET_KEY,
        apiBase: config.STRIPE_API_BASE,
        timeoutMs: config.PROVIDER_TIMEOUT_MS,
        paymentMethodConfiguration: config.STRIPE_PAYMENT_METHOD_CONFIGURATION,
        ...urls,
      });
    } else {
      webhookSecret =
        config.STRIPE_WEBHOOK_SECRET ??
        (config.DATA_DIR
          ? serviceSecret({ service: 'payment', name: 'STRIPE_WEBHOOK_SECRET', dataDir: config.DATA_DIR })
          : `whsec_${randomBytes(24).toString('base64url')}`);
      local = new LocalProvider(db, {
        webhookSecret,
        publicBaseUrl: config.PUBLIC_BASE_URL,
        successUrl: config.CHECKOUT_SUCCESS_URL,
        plans: planMap,
        periodSeconds: config.LOCAL_BILLING_PERIOD_SECONDS,
        logger,
      });
      stripe = local;
    }
    const providers = new Map<ProviderName, PaymentProvider>([['stripe', stripe]]);
    // PayPal is offered when its app credentials are set (and then its webhook id is required to verify).
    let paypal: { provider: PayPalProvider; webhooks: PayPalWebhookEndpoint } | undefined;
    if (config.PAYPAL_CLIENT_ID && config.PAYPAL_CLIENT_SECRET) {
      if (!config.PAYPAL_WEBHOOK_ID)
        throw new ConfigError(
          'invalid configuration for the payment service:\n  - PAYPAL_WEBHOOK_ID: is required with PAYPAL_CLIENT_ID',
        );
      const provider = new PayPalProvider({
        clientId: config.PAYPAL_CLIENT_ID,
        clientSecret: config.PAYPAL_CLIENT_SECRET,
        environment: config.PAYPAL_ENVIRONMENT,
        timeoutMs: config.PROVIDER_TIMEOUT_MS,
        plans: planMap,
        ...urls,
      });
      const webhooks = new PayPalWebhookEndpoint(provider, {
        webhookId: config.PAYPAL_WEBHOOK_ID,
        environment: config.PAYPAL_ENVIRONMENT,
        timeoutMs: config.PROVIDER_TIMEOUT_MS,
      });
      paypal = { provider, webhooks };
      providers.set('paypal', provider);
    }

    const eventClient = createClient(eventV1.EventService, config.EVENT_GRPC_ADDR, {
      deadlineMs: config.GRPC_DEADLINE_MS,
    });
    const billing = new Billing(uow, {
      providers,
      plans,
      catalog: new GrpcEventCatalog(eventClient),
      cursors,
      graceMs,
    });
    const receiver = new WebhookReceiver(uow, { providers, plans: planMap, graceMs, logger });
    const stripeEndpoint = {
      verify: stripeWebhookVerifier(webhookSecret),
      receive: (e: Parameters<WebhookReceiver['receive']>[0]) => receiver.receive(e),
    };
    local?.deliverTo(async (rawBody, signature) => {
      await stripeEndpoint.receive(await stripeEndpoint.verify(rawBody, { 'stripe-signature': signature }));
    });
    const privacy = new Privacy(uow, providers);

    return {
      async routes(app) {
        await paymentRoutes(app, { billing, db });
        await webhookRoutes(app, {
          stripe: stripeEndpoint,
          ...(paypal
            ? {
                paypal: {
                  verify: (rawBody, headers) =>
                    (paypal as NonNullable<typeof paypal>).webhooks.verify(rawBody, headers),
                  receive: (event) => receiver.receive(event),
                },
              }
            : {}),
        });
        if (local) await localCheckoutRoutes(app, local);
      },
      consumers: paymentConsumers({ uow, providers, logger }),
      userData: userData(uow, {
        export: (userId) => privacy.export(userId),
        erase: (scope, userId) => privacy.erase(scope, userId),
      }),
      chores: [
        every('past-due grace', config.BILLING_CHORE_MS, () =>
          uow.run((scope) => revokeAfterGrace(scope, { plans: planMap, graceMs, now: new Date(), batch: 100 })),
        ),
        ...(local
          ? [every('local billing clock', config.BILLING_CHORE_MS, () => (local as LocalProvider).tick())]
          : []),
      ],
      async close() {
        eventClient.close();
      },
    };
  },
});
