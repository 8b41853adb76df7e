import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { baseConfig, ConfigError, loadConfig } from '../src/config.js';

const schema = Type.Object({
  ...baseConfig,
  ORIGINS: Type.Array(Type.String(), { default: [] }),
  API_SECRET: Type.String({ minLength: 8 }),
});
const valid = {
  DATABASE_URL: 'postgres://u:p@localhost/db',
  BUS_URL: 'memory://',
  CACHE_URL: 'memory://',
  API_SECRET: 'sufficiently-long',
};

describe('loadConfig', () => {
  it('applies defaults and coerces env strings to the declared types', () => {
    const config = loadConfig(schema, {
      ...valid,
      HTTP_PORT: '3000',
      MIGRATE_ON_BOOT: 'false',
      ORIGINS: 'a.com, b.com',
    });
    expect(config).toMatchObject({
      HTTP_PORT: 3000,
      GRPC_PORT: 9090,
      MIGRATE_ON_BOOT: false,
      ORIGINS: ['a.com', 'b.com'],
    });
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('ignores variables the schema does not declare', () => {
    expect(loadConfig(schema, { ...valid, NODE_ENV: 'production', PATH: '/bin' })).not.toHaveProperty('PATH');
  });

  it('names every bad or missing variable, and never echoes secrets or URLs', () => {
    let error: unknown;
    try {
      loadConfig(schema, { HTTP_PORT: 'eighty', BUS_URL: 'kafka://x', API_SECRET: 'short' }, 'the test service');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('the test service');
    expect(message).toMatch(/HTTP_PORT: .*\(got "eighty"\)/);
    expect(message).toMatch(/DATABASE_URL.*is required/);
    expect(message).toMatch(/BUS_URL: /);
    expect(message).toMatch(/API_SECRET: /);
    expect(message).not.toContain('kafka://x');
    expect(message).not.toContain('"short"');
  });

  it('reads <NAME>_FILE when the variable itself is absent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    writeFileSync(join(dir, 'secret'), 'from-a-mounted-file\n');
    const config = loadConfig(schema, { ...valid, API_SECRET: undefined, API_SECRET_FILE: join(dir, 'secret') });
    expect(config.API_SECRET).toBe('from-a-mounted-file');
    expect(() =>
      loadConfig(schema, { ...valid, API_SECRET: undefined, API_SECRET_FILE: join(dir, 'missing') }),
    ).toThrow(/API_SECRET_FILE: cannot read/);
  });
});

describe('base config for what sits in front and what can hang', () => {
  it('trusts no proxy by default and takes a list of addresses, CIDRs and range names', () => {
    expect(loadConfig(schema, valid).TRUSTED_PROXIES).toEqual([]);
    expect(
      loadConfig(schema, { ...valid, TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8, loopback' }).TRUSTED_PROXIES,
    ).toEqual(['127.0.0.1', '10.0.0.0/8', 'loopback']);
    expect(() => loadConfig(schema, { ...valid, TRUSTED_PROXIES: 'everyone' })).toThrow(/TRUSTED_PROXIES/);
  });

  it('bounds database waits by default and lets them be overridden', () => {
    const config = loadConfig(schema, valid);
    expect(config.DATABASE_CONNECT_TIMEOUT_MS).toBeLessThanOrEqual(5000);
    expect(config.DATABASE_QUERY_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
    expect(loadConfig(schema, { ...valid, DATABASE_QUERY_TIMEOUT_MS: '1500' }).DATABASE_QUERY_TIMEOUT_MS).toBe(1500);
  });

  it('takes the public base URL of links without a trailing slash', () => {
    expect(loadConfig(schema, { ...valid, PUBLIC_BASE_URL: 'https://api.example.org' }).PUBLIC_BASE_URL).toBe(
      'https://api.example.org',
    );
    expect(() => loadConfig(schema, { ...valid, PUBLIC_BASE_URL: 'https://api.example.org/' })).toThrow(
      /PUBLIC_BASE_URL/,
    );
  });
});
