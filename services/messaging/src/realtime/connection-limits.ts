import { problems } from '@diaspora/service-kit';

/**
 * Caps on this instance's sockets: devices per member and connections per client address, so one account or one
 * machine cannot hold every slot (each socket costs memory, a subscription and heartbeats).
 */
export class ConnectionLimits {
  private readonly perIp = new Map<string, number>();

  constructor(private readonly limits: { perMember: number; perIp: number }) {}

  /** Throws 429 when one more socket for this member (holding `devices` already) or address would be too many. */
  check(devices: number, ip: string): void {
    if (devices >= this.limits.perMember)
      throw problems.tooManyRequests(
        30,
        `At most ${this.limits.perMember} devices may be connected at once; close one first.`,
        'too-many-connections',
      );
    if ((this.perIp.get(ip) ?? 0) >= this.limits.perIp)
      throw problems.tooManyRequests(
        30,
        `At most ${this.limits.perIp} connections per address.`,
        'too-many-connections',
      );
  }

  /** Counts a socket of `ip` until the returned release is called (once). */
  hold(ip: string): () => void {
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
    };
  }
}
