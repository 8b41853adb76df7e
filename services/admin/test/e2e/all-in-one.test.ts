import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of many shapes, asserted field by field
type Json = any;
interface Platform {
  boot(): Promise<void>;
  dispose(): Promise<void>;
  gatewayUrl: string;
  api(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: Json }>;
}
// The all-in-one host's own test platform (hosts/all-in-one/test/fixtures.ts), loaded by path: it is another
// workspace package's test helper, not a dependency of this service.
const { testPlatform } = (await import(
  pathToFileURL(join(import.meta.dirname, '../../../../hosts/all-in-one/test/fixtures.ts')).href
)) as { testPlatform(name: string, options: object): Platform };

// The admin service through the all-in-one gateway, as the "done when" says: a super user suspends and
// reinstates a member (login refused then accepted), takes a reported post down from the queue, reads the four
// analytics reports and the audit; then the /admin page does the same in Debian's chromium (when CHROMIUM_PATH
// is set: scripts/servers/chromium.sh), leaving a screenshot of the overview under .ci/artifacts/.
const SUPER = { email: 'root@diaspora.test', password: 'correct horse battery staple' };
const PASSWORD = 'a long passphrase here';
const ARTIFACTS = join(import.meta.dirname, '../../../../.ci/artifacts');

const platform = testPlatform('admin', {
  services: ['user', 'event', 'content', 'messaging', 'admin'],
  env: { SUPERUSER_EMAIL: SUPER.email, SUPERUSER_PASSWORD: SUPER.password, REPORT_HIDE_THRESHOLD: '5' },
});
const { api } = platform;
let root: string;

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function register(email: string, displayName: string) {
  const answer = await api('POST', '/api/v1/users/auth/register', {
    email,
    password: PASSWORD,
    displayName,
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    languages: ['fr'],
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as { user: { id: string }; accessToken: string };
}

/** A member posts, another reports it; resolves with the post id once the admin queue holds the case. */
async function reportedPost(author: { accessToken: string }, reporter: { accessToken: string }, text: string) {
  const post = await api('POST', '/api/v1/content/posts', { text, visibility: 'public' }, author.accessToken);
  expect(post.status, JSON.stringify(post.body)).toBe(201);
  const report = await api(
    'POST',
    '/api/v1/content/reports',
    { targetType: 'post', targetId: post.body.id, reason: 'scam' },
    reporter.accessToken,
  );
  expect(report.status).toBe(201);
  await until('the report in the admin queue', async () => {
    const queue = await api('GET', '/api/v1/admin/reports?status=open', undefined, root);
    return queue.body.items.some((item: Json) => item.targetId === post.body.id);
  });
  return post.body.id as string;
}

beforeAll(async () => {
  await platform.boot();
  // The super user is bootstrapped by a worker right after boot.
  const login = await until('the super user', async () => {
    const answer = await api('POST', '/api/v1/users/auth/login', SUPER);
    return answer.status === 200 && answer;
  });
  root = login.body.accessToken;
}, 120_000);
afterAll(() => platform.dispose());

describe('admin through the all-in-one gateway', () => {
  it('suspends and reinstates a member: login refused, then accepted; both in the audit', async () => {
    const amina = await register('amina@example.com', 'Amina Diallo');
    const found = await api('GET', '/api/v1/admin/users?q=Amina', undefined, root);
    expect(found.status).toBe(200);
    expect(found.body.items.map((item: Json) => item.id)).toContain(amina.user.id);

    const suspended = await api('POST', `/api/v1/admin/users/${amina.user.id}/suspend`, { reason: 'spam' }, root);
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    const refused = await api('POST', '/api/v1/users/auth/login', { email: 'amina@example.com', password: PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.body.type).toMatch(/account-suspended$/);

    expect((await api('POST', `/api/v1/admin/users/${amina.user.id}/reinstate`, {}, root)).status).toBe(200);
    const accepted = await api('POST', '/api/v1/users/auth/login', { email: 'amina@example.com', password: PASSWORD });
    expect(accepted.status).toBe(200);

    const audit = await api('GET', `/api/v1/admin/audit?targetId=${amina.user.id}`, undefined, root);
    expect(audit.body.items.map((entry: Json) => entry.action)).toEqual(['member.reinstated', 'member.suspended']);
    // A regular member gets nothing.
    const regular = await register('ibrahim@example.com', 'Ibrahim');
    expect((await api('GET', '/api/v1/admin/audit', undefined, regular.accessToken)).status).toBe(403);
  });

  it('takes a reported post down from the queue', async () => {
    const author = await register('kofi@example.com', 'Kofi');
    const reporter = await register('awa@example.com', 'Awa');
    const postId = await reportedPost(author, reporter, 'Send me money for a visa, guaranteed');
    const queue = await api('GET', '/api/v1/admin/reports', undefined, root);
    const item = queue.body.items.find((entry: Json) => entry.targetId === postId);
    expect(item).toMatchObject({ targetType: 'post', reasons: ['scam'], reportCount: 1, status: 'open' });
    const resolved = await api('POST', `/api/v1/admin/reports/${item.id}/resolve`, { action: 'takedown' }, root);
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect((await api('GET', `/api/v1/content/posts/${postId}`, undefined, reporter.accessToken)).status).toBe(404);
    const audit = await api('GET', '/api/v1/admin/audit?action=report.takedown', undefined, root);
    expect(audit.body.items[0]).toMatchObject({ targetId: postId });
  });

  it('reads growth, engagement, participation and revenue', async () => {
    const growth = await until('registrations in growth', async () => {
      const answer = await api('GET', '/api/v1/admin/analytics/growth', undefined, root);
      return answer.body.totals?.registrations >= 3 && answer;
    });
    expect(growth.body.series).toHaveLength(30);
    const engagement = await until('posts in engagement', async () => {
      const answer = await api('GET', '/api/v1/admin/analytics/engagement', undefined, root);
      return answer.body.totals?.posts >= 1 && answer;
    });
    expect(engagement.status).toBe(200);
    for (const report of ['participation', 'revenue'])
      expect((await api('GET', `/api/v1/admin/analytics/${report}`, undefined, root)).status).toBe(200);
    const csv = await fetch(`${platform.gatewayUrl}/api/v1/admin/analytics/growth?format=csv`, {
      headers: { authorization: `Bearer ${root}` },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).split('\r\n')[0]).toContain('registrations');
  });

  describe.skipIf(!process.env.CHROMIUM_PATH)('the /admin page in chromium', () => {
    it('signs in, finds and suspends a member, sees it in the audit, takes a reported post down', async () => {
      const { chromium } = await import('playwright-core');
      const member = await register('moussa@example.com', 'Moussa Sow');
      const reporter = await register('fatou@example.com', 'Fatou');
      const postId = await reportedPost(member, reporter, 'Buy followers here, cheap');
      const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH!, args: ['--no-sandbox'] });
      try {
        const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
        const violations: string[] = [];
        // CSP violations and failed loads show up as console errors; failed responses are named by their URL.
        page.on('console', (message) => {
          if (message.type() === 'error') violations.push(message.text());
        });
        page.on('response', (response) => {
          if (response.status() >= 400) violations.push(`${response.status()} ${response.url()}`);
        });
        await page.goto(`${platform.gatewayUrl}/admin`);
        await page.getByLabel('Email', { exact: true }).fill(SUPER.email);
        await page.getByLabel('Password').fill(SUPER.password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.locator('#who').filter({ hasText: 'super' }).waitFor();
        await page.locator('#totals-revenue li').first().waitFor();
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, 'admin-overview.png'), fullPage: true });

        await page.getByRole('button', { name: 'Members' }).click();
        await page.getByLabel('Name or email').fill('Moussa');
        await page.getByRole('button', { name: 'Search' }).click();
        await page.getByRole('button', { name: 'Suspend Moussa Sow' }).click();
        await page.getByLabel('Reason').fill('selling followers');
        await page.getByRole('button', { name: 'Confirm suspension' }).click();
        await page.getByRole('button', { name: 'Reinstate Moussa Sow' }).waitFor();

        await page.getByRole('button', { name: 'Audit' }).click();
        await page.locator('#audit-table td', { hasText: 'member.suspended' }).first().waitFor();
        expect(await page.locator('#audit-table tr', { hasText: 'selling followers' }).count()).toBe(1);

        await page.getByRole('button', { name: 'Moderation' }).click();
        const item = page.locator('#report-list li', { hasText: postId });
        await item.waitFor();
        await item.focus();
        await page.keyboard.press('t');
        await item.waitFor({ state: 'detached' });
        expect(violations).toEqual([]);
      } finally {
        await browser.close();
      }
      expect((await api('GET', `/api/v1/content/posts/${postId}`, undefined, reporter.accessToken)).status).toBe(404);
      const login = await api('POST', '/api/v1/users/auth/login', { email: 'moussa@example.com', password: PASSWORD });
      expect(login.status).toBe(403);
    });
  });
});
