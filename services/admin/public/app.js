import { ApiError, api, query, session, signIn } from './api.js';
import { el, rows, when } from './views.js';

const $ = (selector) => document.querySelector(selector);
const status = (text, error = false) => {
  $('#status').textContent = text;
  $('#status').classList.toggle('error', error);
};
const failed = (error) => status(error instanceof ApiError ? `${error.status}: ${error.message}` : String(error), true);

// --- navigation -------------------------------------------------------------------------------------------------
const SECTIONS = ['overview', 'members', 'moderation', 'audit', 'settings'];
const loaders = {};

function show(name) {
  for (const section of SECTIONS) $(`#${section}`).hidden = section !== name;
  for (const button of document.querySelectorAll('#tabs button'))
    if (button.dataset.tab === name) button.setAttribute('aria-current', 'page');
    else button.removeAttribute('aria-current');
  status('');
  loaders[name]?.().catch(failed);
}

for (const button of document.querySelectorAll('#tabs button'))
  button.addEventListener('click', () => {
    show(button.dataset.tab);
    $(`#${button.dataset.tab} h2`).setAttribute('tabindex', '-1');
    $(`#${button.dataset.tab} h2`).focus();
  });

// --- sign in ----------------------------------------------------------------------------------------------------
async function enter() {
  const me = await api('GET', '/api/v1/admin/me');
  const scope =
    me.scope.kind === 'all'
      ? 'everything'
      : me.scope.kind === 'country'
        ? me.scope.country
        : `${me.scope.city}, ${me.scope.country}`;
  $('#who').textContent = `${session.get()?.user?.displayName ?? me.id} — ${me.roles.join(', ')} (${scope})`;
  $('#sign-in').hidden = true;
  $('#tabs').hidden = false;
  $('#sign-out').hidden = false;
  show('overview');
}

$('#sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    await signIn(form.get('email'), form.get('password'));
    await enter();
  } catch (error) {
    session.clear();
    failed(error);
  }
});

$('#sign-out').addEventListener('click', async () => {
  const current = session.get();
  session.clear();
  if (current?.refreshToken)
    await api('POST', '/api/v1/users/auth/logout', { refreshToken: current.refreshToken }).catch(() => {});
  location.reload();
});

// --- overview ---------------------------------------------------------------------------------------------------
const charts = {};
const REPORTS = {
  growth: { type: 'line', keys: ['registrations', 'dau', 'wau', 'mau'] },
  engagement: { type: 'bar', keys: ['posts', 'comments', 'likes', 'messages'] },
  participation: { type: 'bar', keys: ['eventRegistrations', 'checkIns', 'ratings'] },
  revenue: { type: 'bar', keys: null },
};

function range() {
  const form = new FormData($('#range-form'));
  return Object.fromEntries(
    [...form.entries()].map(([key, value]) => [key, key === 'country' ? String(value).toUpperCase() : value]),
  );
}

loaders.overview = async () => {
  const params = range();
  for (const [name, spec] of Object.entries(REPORTS)) {
    const report = await api('GET', `/api/v1/admin/analytics/${name}${query(params)}`);
    const money = Object.keys(report.totals).filter((key) => key.includes('Cents'));
    const keys =
      spec.keys ?? (money.length ? money : ['subscriptionsActivated', 'subscriptionsCanceled', 'ticketsPaid']);
    const data = {
      labels: report.series.map((point) => point.date),
      datasets: keys.map((key) => ({ label: key, data: report.series.map((point) => point[key] ?? 0) })),
    };
    if (window.Chart) {
      charts[name]?.destroy();
      charts[name] = new window.Chart($(`#chart-${name}`), {
        type: spec.type,
        data,
        options: { animation: false, responsive: true, maintainAspectRatio: true },
      });
    }
    const csv = el('button', { type: 'button', onclick: () => download(name, params) }, 'CSV');
    $(`#totals-${name}`).replaceChildren(
      el(
        'ul',
        {},
        ...Object.entries(report.totals)
          .filter(([key]) => key !== 'ratingPoints')
          .map(([key, value]) => el('li', {}, `${key}: ${value}`)),
      ),
      csv,
    );
  }
};

async function download(name, params) {
  const current = session.get();
  const response = await fetch(`/api/v1/admin/analytics/${name}${query({ ...params, format: 'csv' })}`, {
    headers: { authorization: `Bearer ${current?.accessToken}` },
  });
  if (!response.ok) return status(`CSV failed: ${response.status}`, true);
  const link = el('a', { href: URL.createObjectURL(await response.blob()), download: `${name}.csv` });
  link.click();
  URL.revokeObjectURL(link.href);
}

$('#range-form').addEventListener('submit', (event) => {
  event.preventDefault();
  loaders.overview().catch(failed);
});

// --- members ----------------------------------------------------------------------------------------------------
let suspending;

loaders.members = async () => {
  const form = new FormData($('#member-search'));
  const page = await api('GET', `/api/v1/admin/users${query({ q: form.get('q'), status: form.get('status') })}`);
  rows($('#member-table'), page.items, (member) => [
    el('span', {}, member.displayName, member.email ? el('br') : null, member.email ?? null),
    `${member.residenceCity}, ${member.residenceCountry}`,
    member.roles.join(', '),
    member.status === 'suspended'
      ? `suspended${member.suspendedUntil ? ` until ${when(member.suspendedUntil)}` : ''}${member.suspensionReason ? ` (${member.suspensionReason})` : ''}`
      : 'active',
    member.status === 'suspended'
      ? el('button', { type: 'button', onclick: () => reinstate(member) }, `Reinstate ${member.displayName}`)
      : el('button', { type: 'button', onclick: () => askSuspension(member) }, `Suspend ${member.displayName}`),
  ]);
  status(`${page.items.length} member(s)`);
};

function askSuspension(member) {
  suspending = member;
  $('#suspend-title').textContent = `Suspend ${member.displayName}`;
  $('#suspend-form').hidden = false;
  $('#suspend-form').reset();
  $('#suspend-form [name=reason]').focus();
}

$('#suspend-cancel').addEventListener('click', () => {
  $('#suspend-form').hidden = true;
});

$('#suspend-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const until = form.get('until') ? new Date(form.get('until')).toISOString() : undefined;
  try {
    await api('POST', `/api/v1/admin/users/${suspending.id}/suspend`, {
      reason: form.get('reason'),
      ...(until ? { until } : {}),
    });
    $('#suspend-form').hidden = true;
    await loaders.members();
    status(`${suspending.displayName} is suspended.`);
  } catch (error) {
    failed(error);
  }
});

async function reinstate(member) {
  try {
    await api('POST', `/api/v1/admin/users/${member.id}/reinstate`, {});
    await loaders.members();
    status(`${member.displayName} is reinstated.`);
  } catch (error) {
    failed(error);
  }
}

$('#member-search').addEventListener('submit', (event) => {
  event.preventDefault();
  loaders.members().catch(failed);
});

// --- moderation queue -------------------------------------------------------------------------------------------
const KEYS = { d: 'dismiss', t: 'takedown', r: 'restore', w: 'warn', s: 'suspend' };
const FITS = {
  post: ['dismiss', 'takedown', 'restore', 'warn', 'suspend'],
  comment: ['dismiss', 'takedown', 'restore', 'warn', 'suspend'],
  message: ['dismiss', 'takedown', 'warn', 'suspend'],
  user: ['dismiss', 'warn', 'suspend'],
};

loaders.moderation = async () => {
  const page = await api('GET', `/api/v1/admin/reports${query({ status: $('#report-status').value, limit: 50 })}`);
  const list = $('#report-list');
  list.replaceChildren(
    ...page.items.map((report, index) =>
      el(
        'li',
        {
          tabindex: index === 0 ? 0 : -1,
          'aria-selected': index === 0 ? 'true' : 'false',
          dataset: { id: report.id, type: report.targetType },
        },
        el('strong', {}, `${report.targetType} ${report.targetId}`),
        ` — ${report.reportCount} report(s), score ${report.score}${report.appeal ? ', appealed' : ''}`,
        el('div', {}, `Reasons: ${report.reasons.join('; ') || '—'}`),
        report.preview ? el('div', { class: 'preview' }, report.preview.text) : null,
        report.appeal ? el('div', {}, `Appeal: ${report.appeal.statement}`) : null,
        report.resolution
          ? el(
              'div',
              {},
              `Decided: ${report.resolution.action} by ${report.resolution.by} (${report.resolution.reason})`,
            )
          : null,
        report.status === 'open'
          ? el(
              'div',
              { class: 'actions' },
              ...FITS[report.targetType].map((action) =>
                el(
                  'button',
                  { type: 'button', onclick: () => resolve(report, action) },
                  action === 'takedown' ? 'Take down' : action[0].toUpperCase() + action.slice(1),
                ),
              ),
            )
          : null,
      ),
    ),
  );
  if (page.items.length === 0) list.append(el('li', {}, 'The queue is empty.'));
  status(`${page.items.length} report(s)`);
};

async function resolve(report, action) {
  try {
    await api('POST', `/api/v1/admin/reports/${report.id}/resolve`, { action });
    status(`${action}: ${report.targetType} ${report.targetId}`);
    await loaders.moderation();
    $('#report-list li')?.focus();
  } catch (error) {
    failed(error);
  }
}

$('#report-status').addEventListener('change', () => loaders.moderation().catch(failed));

$('#report-list').addEventListener('keydown', (event) => {
  const item = event.target.closest('li');
  if (!item?.dataset.id || event.target !== item) return;
  const select = (next) => {
    if (!next) return;
    item.setAttribute('aria-selected', 'false');
    item.tabIndex = -1;
    next.setAttribute('aria-selected', 'true');
    next.tabIndex = 0;
    next.focus();
  };
  const moves = {
    j: 'nextElementSibling',
    ArrowDown: 'nextElementSibling',
    k: 'previousElementSibling',
    ArrowUp: 'previousElementSibling',
  };
  if (moves[event.key]) {
    event.preventDefault();
    select(item[moves[event.key]]);
    return;
  }
  const action = KEYS[event.key];
  if (action && FITS[item.dataset.type]?.includes(action)) {
    event.preventDefault();
    resolve({ id: item.dataset.id, targetType: item.dataset.type, targetId: '' }, action);
  }
});

// --- audit ------------------------------------------------------------------------------------------------------
let auditCursor = null;

async function loadAudit(more = false) {
  const form = new FormData($('#audit-form'));
  const params = {
    action: form.get('action'),
    targetId: form.get('targetId'),
    limit: 50,
    cursor: more ? auditCursor : undefined,
  };
  const page = await api('GET', `/api/v1/admin/audit${query(params)}`);
  const cells = (entry) => [
    when(entry.at),
    entry.actorId,
    entry.action,
    `${entry.targetType} ${entry.targetId}`,
    entry.reason ?? '',
  ];
  if (more)
    for (const entry of page.items)
      $('#audit-table').tBodies[0].append(el('tr', {}, ...cells(entry).map((cell) => el('td', {}, cell))));
  else rows($('#audit-table'), page.items, cells);
  auditCursor = page.nextCursor;
  $('#audit-more').hidden = !auditCursor;
}
loaders.audit = () => loadAudit(false);
$('#audit-more').addEventListener('click', () => loadAudit(true).catch(failed));
$('#audit-form').addEventListener('submit', (event) => {
  event.preventDefault();
  loadAudit(false).catch(failed);
});

// --- settings ---------------------------------------------------------------------------------------------------
loaders.settings = async () => {
  const { settings, version, updatedAt } = await api('GET', '/api/v1/admin/settings');
  const form = $('#settings-form');
  for (const name of ['freeMessagingDailyQuota', 'consulYearlyQuota', 'reportThreshold'])
    form.elements[name].value = settings[name];
  form.elements.wordLists.value = JSON.stringify(settings.wordLists, null, 2);
  form.elements.sponsoredFeed.value = JSON.stringify(settings.sponsoredFeed, null, 2);
  status(version ? `Version ${version}, saved ${when(updatedAt)}` : 'Defaults (never saved)');
};

$('#settings-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target.elements;
  try {
    const body = {
      freeMessagingDailyQuota: Number(form.freeMessagingDailyQuota.value),
      consulYearlyQuota: Number(form.consulYearlyQuota.value),
      reportThreshold: Number(form.reportThreshold.value),
      wordLists: JSON.parse(form.wordLists.value || '{}'),
      sponsoredFeed: JSON.parse(form.sponsoredFeed.value || '{"every":8,"items":[]}'),
    };
    const saved = await api('PUT', '/api/v1/admin/settings', body);
    status(`Saved (version ${saved.version}).`);
  } catch (error) {
    failed(error instanceof SyntaxError ? `Invalid JSON: ${error.message}` : error);
  }
});

// --- start ------------------------------------------------------------------------------------------------------
if (session.get())
  enter().catch((error) => {
    session.clear();
    failed(error);
  });
