import { join } from 'node:path';
import { testSigningKey } from '@diaspora/testing';
import { describe, expect, it } from 'vitest';
import { loadKongConfig, renderKongConfig } from '../src/kong-config.js';
import { Router, upstreamPath } from '../src/router.js';
import { KONG_YAML, writeKongConfig } from './fixtures.js';

const env = { JWT_PUBLIC_KEY: testSigningKey().publicKeyPem };

describe('kong.yml loading', () => {
  it('loads the committed kong/kong.yml and injects the public key', () => {
    const path = join(import.meta.dirname, '../../../kong/kong.yml');
    const config = loadKongConfig(path, env);
    expect(config.consumers[0]!.jwt_secrets![0]!.rsa_public_key).toContain('BEGIN PUBLIC KEY');
    expect(renderKongConfig(path, env)).toContain('BEGIN PUBLIC KEY');
    expect(config.services.map((service) => service.name)).toContain('user-service');
  });

  it("accepts Kong's prometheus and opentelemetry plugins, which production Kong honours", () => {
    const config = loadKongConfig(join(import.meta.dirname, '../../../kong/kong.yml'), env);
    const global = config.plugins.map((plugin) => plugin.name);
    expect(global).toEqual(expect.arrayContaining(['prometheus', 'opentelemetry']));
    // The proxying tests run with both in the fixture's global plugins: the dev gateway skips them.
  });

  it('refuses to start without the variables the file needs', () => {
    expect(() => loadKongConfig(writeKongConfig(), {})).toThrow(/JWT_PUBLIC_KEY/);
  });

  it('refuses plugins it does not implement, instead of silently skipping them', () => {
    const yaml = KONG_YAML.replace('name: correlation-id', 'name: ip-restriction');
    expect(() => loadKongConfig(writeKongConfig(yaml), env)).toThrow(/plugin "ip-restriction" is not supported/);
  });
});

describe('Router', () => {
  const router = new Router(loadKongConfig(writeKongConfig(), env));

  it('picks the longest matching prefix, like Kong', () => {
    expect(router.match('GET', '/api/v1/echo/public/x')?.route.name).toBe('public');
    expect(router.match('GET', '/api/v1/echo/other')?.route.name).toBe('private');
    expect(router.match('GET', '/elsewhere')).toBeUndefined();
  });

  it('lets the route plugin override the global one of the same name', () => {
    const plugins = router.match('GET', '/api/v1/echo/public')!.plugins;
    expect(plugins.filter((p) => p.name === 'rate-limiting')).toEqual([
      { name: 'rate-limiting', config: { minute: 3, policy: 'local', limit_by: 'ip' } },
    ]);
    expect(plugins.map((p) => p.name)).toEqual(
      expect.arrayContaining(['correlation-id', 'cors', 'request-size-limiting']),
    );
  });

  it('strips the matched prefix only when strip_path is on (Kong default)', () => {
    const stripped = router.match('GET', '/strip/a/b')!;
    expect(upstreamPath(stripped, '/strip/a/b', 'http://x:1/base')).toBe('/base/a/b');
    const kept = router.match('GET', '/api/v1/echo/public')!;
    expect(upstreamPath(kept, '/api/v1/echo/public', 'http://x:1')).toBe('/api/v1/echo/public');
  });
});
