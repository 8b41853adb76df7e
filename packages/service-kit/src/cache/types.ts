/** The cache port: in-process for all-in-one, Redis when distributed. Values are strings; callers serialize. */
export interface Cache {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only when absent (a lock or a first-writer-wins marker); true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Atomically increments a counter that expires `windowMs` after its first increment. */
  increment(key: string, windowMs: number): Promise<{ value: number; ttlMs: number }>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
