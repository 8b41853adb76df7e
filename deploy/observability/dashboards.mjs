#!/usr/bin/env node
// Writes the Grafana dashboards (platform overview + one per service) into the umbrella chart's
// files/dashboards, which ships them as ConfigMaps for Grafana's sidecar. `--check` fails when they are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const OUT = join(import.meta.dirname, '../helm/diaspora/files/dashboards');
const SERVICES = ['user', 'event', 'content', 'messaging', 'notification', 'payment', 'search', 'integration', 'admin'];
// Grafana's own variable syntax, not a template literal.
const DS = { type: 'prometheus', uid: '$' + '{datasource}' };

let nextId = 1;
function panel(title, exprs, { unit = 'short', x = 0, y = 0, w = 12, h = 8 } = {}) {
  return {
    id: nextId++,
    type: 'timeseries',
    title,
    datasource: DS,
    gridPos: { x, y, w, h },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: exprs.map(([expr, legendFormat], i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DS,
      expr,
      legendFormat,
    })),
  };
}

function dashboard(uid, title, panels, extraVariables = []) {
  nextId = 1;
  return {
    uid,
    title,
    tags: ['diaspora'],
    timezone: 'utc',
    schemaVersion: 39,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus', current: {} },
        { name: 'namespace', type: 'query', datasource: DS, query: 'label_values(up, namespace)', refresh: 2 },
        ...extraVariables,
      ],
    },
    panels: panels(),
  };
}

const ns = 'namespace="$namespace"';
const overview = dashboard('diaspora-overview', 'Diaspora / Platform overview', () => [
  panel(
    'Requests per second by service',
    [[`sum by (app_service) (app_service:http_requests:rate5m{${ns}})`, '{{app_service}}']],
    { unit: 'reqps' },
  ),
  panel(
    '5xx ratio by service',
    [[`app_service:http_requests_5xx:rate5m{${ns}} / app_service:http_requests:rate5m{${ns}}`, '{{app_service}}']],
    { unit: 'percentunit', x: 12 },
  ),
  panel(
    'p99 latency by service (SLO 1 s)',
    [[`app_service:http_request_duration_seconds:p99_5m{${ns}}`, '{{app_service}}']],
    { unit: 's', y: 8 },
  ),
  panel('Outbox backlog', [[`max by (app_service) (outbox_backlog{${ns}})`, '{{app_service}}']], { x: 12, y: 8 }),
  panel(
    'Consumer lag',
    [[`max by (app_service, consumer) (event_consumer_lag_seconds{${ns}})`, '{{app_service}}/{{consumer}}']],
    { unit: 's', y: 16 },
  ),
  panel(
    'Dead-lettered events (1 h)',
    [
      [
        `sum by (app_service, consumer) (increase(events_consumed_total{${ns},outcome="dead_lettered"}[1h]))`,
        '{{app_service}}/{{consumer}}',
      ],
    ],
    { x: 12, y: 16 },
  ),
  panel('Failed sign-ins per second', [[`diaspora:failed_logins:rate5m{${ns}}`, 'failed']], { unit: 'reqps', y: 24 }),
  panel(
    'Registrations and payments (1 h)',
    [
      [`sum(increase(outbox_events_published_total{${ns},subject="users.user.registered"}[1h]))`, 'registrations'],
      [
        `sum(increase(outbox_events_published_total{${ns},subject=~"payments\\\\.(ticket\\\\.paid|subscription\\\\.activated)"}[1h]))`,
        'payments',
      ],
    ],
    { x: 12, y: 24 },
  ),
  panel('Kong requests by status', [[`sum by (code) (rate(kong_http_requests_total{${ns}}[5m]))`, '{{code}}']], {
    unit: 'reqps',
    y: 32,
    w: 24,
  }),
]);

function serviceDashboard(name) {
  const sel = `${ns},app_service="${name}"`;
  return dashboard(`diaspora-${name}`, `Diaspora / ${name}`, () => [
    panel(
      'HTTP requests by route and status',
      [
        [
          `sum by (route, status_code) (rate(http_request_duration_seconds_count{${sel}}[5m]))`,
          '{{route}} {{status_code}}',
        ],
      ],
      { unit: 'reqps' },
    ),
    panel(
      'HTTP p99 by route',
      [
        [
          `histogram_quantile(0.99, sum by (route, le) (rate(http_request_duration_seconds_bucket{${sel}}[5m])))`,
          '{{route}}',
        ],
      ],
      { unit: 's', x: 12 },
    ),
    panel(
      'gRPC calls served by method and code',
      [
        [
          `sum by (grpc_method, grpc_code) (rate(grpc_server_handling_seconds_count{${sel}}[5m]))`,
          '{{grpc_method}} {{grpc_code}}',
        ],
      ],
      { unit: 'reqps', y: 8 },
    ),
    panel(
      'gRPC p99 by method',
      [
        [
          `histogram_quantile(0.99, sum by (grpc_method, le) (rate(grpc_server_handling_seconds_bucket{${sel}}[5m])))`,
          '{{grpc_method}}',
        ],
      ],
      { unit: 's', x: 12, y: 8 },
    ),
    panel('PostgreSQL pool', [[`sum by (state) (db_pool_connections{${sel}})`, '{{state}}']], { y: 16 }),
    panel(
      'Outbox: published and backlog',
      [
        [`sum by (subject) (rate(outbox_events_published_total{${sel}}[5m]))`, '{{subject}}'],
        [`max(outbox_backlog{${sel}})`, 'backlog'],
      ],
      { x: 12, y: 16 },
    ),
    panel(
      'Events consumed by consumer and outcome',
      [[`sum by (consumer, outcome) (rate(events_consumed_total{${sel}}[5m]))`, '{{consumer}} {{outcome}}']],
      { y: 24 },
    ),
    panel('Consumer lag', [[`max by (consumer) (event_consumer_lag_seconds{${sel}})`, '{{consumer}}']], {
      unit: 's',
      x: 12,
      y: 24,
    }),
    panel('Resident memory by pod', [[`sum by (pod) (process_resident_memory_bytes{${sel}})`, '{{pod}}']], {
      unit: 'bytes',
      y: 32,
    }),
    panel('Event loop lag p99 by pod', [[`max by (pod) (nodejs_eventloop_lag_p99_seconds{${sel}})`, '{{pod}}']], {
      unit: 's',
      x: 12,
      y: 32,
    }),
  ]);
}

const files = {
  'overview.json': overview,
  ...Object.fromEntries(SERVICES.map((s) => [`${s}.json`, serviceDashboard(s)])),
};
const check = process.argv.includes('--check');
let stale = 0;
for (const [file, content] of Object.entries(files)) {
  const text = `${JSON.stringify(content, null, 2)}\n`;
  const path = join(OUT, file);
  if (check) {
    // Compared as JSON: the pre-commit hook (Biome) formats the files its own way.
    let current = null;
    try {
      current = JSON.parse(readFileSync(path, 'utf8'));
    } catch {}
    if (!isDeepStrictEqual(current, JSON.parse(text))) {
      console.error(`stale dashboard: ${path} (run node deploy/observability/dashboards.mjs)`);
      stale++;
    }
  } else writeFileSync(path, text);
}
if (stale) process.exit(1);
console.log(`${Object.keys(files).length} dashboards ${check ? 'current' : 'written'}`);
