import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startAdmin } from '../fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await startAdmin();
});
afterAll(() => h.close());

describe('the dashboard files', () => {
  it('serves the page at /admin with a strict content security policy', async () => {
    for (const url of ['/admin', '/admin/']) {
      const page = await h.app.inject({ method: 'GET', url });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(page.headers['x-frame-options']).toBe('DENY');
      // Nothing inline: every script and style comes from this service.
      expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.body).not.toMatch(/\sstyle=/);
      expect(page.body).toContain('/admin/assets/app.js');
    }
  });

  it('serves its modules, stylesheet and chart.js from node_modules; nothing else', async () => {
    const script = await h.app.inject({ method: 'GET', url: '/admin/assets/app.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('text/javascript');
    expect((await h.app.inject({ method: 'GET', url: '/admin/assets/app.css' })).headers['content-type']).toContain(
      'text/css',
    );
    const chart = await h.app.inject({ method: 'GET', url: '/admin/vendor/chart.umd.min.js' });
    expect(chart.statusCode).toBe(200);
    expect(chart.body).toContain('Chart');
    for (const url of ['/admin/assets/..%2Fpackage.json', '/admin/assets/index.html', '/admin/assets/secret.js'])
      expect((await h.app.inject({ method: 'GET', url })).statusCode).toBe(404);
  });
});
