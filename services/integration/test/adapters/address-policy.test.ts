import { describe, expect, it } from 'vitest';
import { AddressPolicy, judgeAddress, RefusedTarget } from '../../src/adapters/address-policy.js';

describe('webhook target address rules', () => {
  it('judges addresses: metadata and link-local always forbidden, private and loopback private', () => {
    for (const address of [
      '169.254.169.254',
      '169.254.0.1',
      'fd00:ec2::254',
      '100.100.100.200',
      'fe80::1',
      '0.0.0.0',
      '::',
      '::ffff:169.254.169.254',
      '224.0.0.1',
    ])
      expect(judgeAddress(address), address).toBe('forbidden');
    for (const address of [
      '127.0.0.1',
      '10.0.0.5',
      '172.16.3.4',
      '192.168.1.1',
      '::1',
      'fd12::1',
      '100.64.0.1',
      '::ffff:10.0.0.1',
    ])
      expect(judgeAddress(address), address).toBe('private');
    for (const address of ['93.184.216.34', '2606:4700::1111', '8.8.8.8', '172.32.0.1'])
      expect(judgeAddress(address), address).toBe('allowed');
  });

  it('refuses a name if any of its addresses is forbidden, even with private targets allowed', async () => {
    const policy = new AddressPolicy({
      allowPrivate: true,
      resolve: async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
    });
    await expect(policy.resolveTarget('https://sneaky.example/hook')).rejects.toBeInstanceOf(RefusedTarget);
    await expect(policy.assertAllowed('https://sneaky.example/hook')).rejects.toMatchObject({ status: 400 });
  });

  it('allows private names only when configured', async () => {
    const resolve = async () => [{ address: '10.0.0.7', family: 4 }];
    await expect(
      new AddressPolicy({ allowPrivate: false, resolve }).resolveTarget('http://crm.internal/'),
    ).rejects.toThrow(/private/);
    await expect(
      new AddressPolicy({ allowPrivate: true, resolve }).resolveTarget('http://crm.internal/'),
    ).resolves.toMatchObject({
      address: '10.0.0.7',
    });
  });

  it('refuses names that do not resolve', async () => {
    const policy = new AddressPolicy({
      allowPrivate: true,
      resolve: async () => Promise.reject(new Error('ENOTFOUND')),
    });
    await expect(policy.assertAllowed('https://nowhere.invalid/')).rejects.toMatchObject({ status: 400 });
  });
});
