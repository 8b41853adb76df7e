import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** The address ranges behind the names proxy-addr (and so Fastify's `trustProxy`) accepts in TRUSTED_PROXIES. */
const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is the IPv4 address it wraps. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/**
 * A matcher for TRUSTED_PROXIES entries (addresses, CIDRs, or `loopback`/`linklocal`/`uniquelocal`), the same
 * vocabulary services hand to Fastify's `trustProxy`, for places that see raw sockets (the gateway's upgrades).
 */
export function trustedProxyMatcher(entries: string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries.flatMap((item) => NAMED[item] ?? [item])) {
    const [network = '', bits] = entry.split('/');
    const type = isIPv4(network) ? 'ipv4' : isIPv6(network) ? 'ipv6' : undefined;
    if (!type) throw new Error(`TRUSTED_PROXIES: ${entry} is not an address or CIDR`);
    if (bits === undefined) list.addAddress(network, type);
    else list.addSubnet(network, Number(bits), type);
  }
  return (address) => {
    const plain = plainAddress(address);
    const type = isIPv4(plain) ? 'ipv4' : isIPv6(plain) ? 'ipv6' : undefined;
    return type !== undefined && list.check(plain, type);
  };
}

/** True for 127.0.0.0/8, ::1 and `localhost`: the addresses only this machine can reach. */
export const isLoopback = (address: string | undefined): boolean =>
  address === 'localhost' || (address !== undefined && LOOPBACK(address));
const LOOPBACK = trustedProxyMatcher(['loopback']);

/**
 * The client of a request: the socket's peer unless that peer is a trusted proxy, in which case X-Forwarded-For is
 * walked from the right, skipping trusted hops (what proxy-addr does for Fastify). Returns the chain to forward
 * upstream too: the trusted part of the incoming header plus the peer, never what an untrusted client wrote.
 */
export function forwardedClient(
  peer: string,
  forwardedFor: string | string[] | undefined,
  trusted: (address: string) => boolean,
): { client: string; chain: string[] } {
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  const chain = [plainAddress(peer)];
  let client = chain[0]!;
  while (trusted(client) && hops.length) {
    client = plainAddress(hops.pop()!);
    chain.unshift(client);
  }
  return { client, chain };
}
