/**
 * Tokens whose signature was checked once, with what was decoded from them. A client sends the same access token
 * for its whole lifetime, and the signature check is the costliest step of an authenticated request (a quarter of
 * a cached read's CPU); time-bound claims and the deny-list are still checked on every request by the caller.
 * Bounded: the oldest entry goes first (a Map iterates in insertion order), so memory stays flat under any churn.
 */
export class VerifiedTokens<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly capacity = 10_000) {}

  get(token: string): T | undefined {
    return this.entries.get(token);
  }

  remember(token: string, value: T): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, value);
  }
}
