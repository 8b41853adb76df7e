import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { problems } from '@diaspora/service-kit';
import type { TargetPolicy } from '../domain/ports.js';

/** Never reachable from here: link-local, cloud metadata endpoints, "this host", multicast, broadcast. */
const ALWAYS_REFUSED = new BlockList();
ALWAYS_REFUSED.addSubnet('0.0.0.0', 8, 'ipv4');
ALWAYS_REFUSED.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, AWS/GCP/Azure/OpenStack metadata
ALWAYS_REFUSED.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
ALWAYS_REFUSED.addAddress('168.63.129.16', 'ipv4'); // Azure wire server
ALWAYS_REFUSED.addAddress('192.0.0.192', 'ipv4'); // Oracle Cloud metadata
ALWAYS_REFUSED.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
ALWAYS_REFUSED.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved, broadcast
ALWAYS_REFUSED.addAddress('::', 'ipv6');
ALWAYS_REFUSED.addSubnet('fe80::', 10, 'ipv6'); // link-local
ALWAYS_REFUSED.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6
ALWAYS_REFUSED.addSubnet('ff00::', 8, 'ipv6'); // multicast

/** Loopback and private networks: refused unless the operator allows them (all-in-one, local tools). */
const PRIVATE = new BlockList();
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT
PRIVATE.addSubnet('198.18.0.0', 15, 'ipv4'); // benchmarking
PRIVATE.addSubnet('192.0.0.0', 24, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6'); // unique local

export type AddressVerdict = 'allowed' | 'private' | 'forbidden';

/** An IPv4-mapped IPv6 address (`::ffff:169.254.169.254`) is judged as the IPv4 address it carries. */
function normalize(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export function judgeAddress(raw: string): AddressVerdict {
  const { address, family } = normalize(raw);
  if (ALWAYS_REFUSED.check(address, family)) return 'forbidden';
  if (PRIVATE.check(address, family)) return 'private';
  return 'allowed';
}

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

export class RefusedTarget extends Error {
  override name = 'RefusedTarget';
}

/**
 * The SSRF rules for webhook targets: http(s) URLs without credentials whose host resolves only to addresses we
 * may reach. Every address counts (a name resolving to one public and one metadata address is refused), and the
 * check is made again before each delivery, which then connects to the very address checked (DNS rebinding).
 */
export class AddressPolicy implements TargetPolicy {
  constructor(private readonly options: { allowPrivate: boolean; resolve?: Resolver }) {}

  /** The address to connect to for `url`, or RefusedTarget saying why not. */
  async resolveTarget(url: string): Promise<{ url: URL; address: string; family: 4 | 6 }> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new RefusedTarget('the URL is not valid');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new RefusedTarget('only http and https');
    if (parsed.username || parsed.password) throw new RefusedTarget('credentials in the URL are not accepted');
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    let addresses: { address: string; family: number }[];
    try {
      addresses = isIP(host)
        ? [{ address: host, family: isIP(host) }]
        : await (this.options.resolve ?? systemResolver)(host);
    } catch {
      throw new RefusedTarget(`the host ${host} does not resolve`);
    }
    if (addresses.length === 0) throw new RefusedTarget(`the host ${host} does not resolve`);
    for (const { address } of addresses) {
      const verdict = judgeAddress(address);
      if (verdict === 'forbidden') throw new RefusedTarget(`${host} resolves to a link-local or metadata address`);
      if (verdict === 'private' && !this.options.allowPrivate)
        throw new RefusedTarget(`${host} resolves to a private or loopback address, which this deployment refuses`);
    }
    const first = addresses[0]!;
    return { url: parsed, address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  async assertAllowed(url: string): Promise<void> {
    try {
      await this.resolveTarget(url);
    } catch (error) {
      if (error instanceof RefusedTarget)
        throw problems.badRequest(`The webhook URL is refused: ${error.message}.`, 'refused-target');
      throw error;
    }
  }
}
