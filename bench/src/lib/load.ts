import autocannon from 'autocannon';
import { cpuMsOf } from './processes.js';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Requests completed. */
  requests: number;
}

/** Drives `url` with autocannon from this process (the servers under test run in child processes). */
export async function load(options: {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  durationSeconds?: number;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body ? { body: options.body } : {}),
    connections: options.connections ?? 50,
    duration: options.durationSeconds ?? Number(process.env.BENCH_SECONDS ?? 10),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

/**
 * One row of a benchmark table: a short warm-up, then the measured run, which must answer only 2xx. With the pid of
 * the server under test, its CPU time per request too (what the server spends, however busy the machine is).
 */
export async function measure(
  target: { name: string; url: string; headers?: Record<string, string> },
  options: { connections?: number; pid?: number } = {},
): Promise<Record<string, string | number>> {
  const run = { url: target.url, headers: target.headers ?? {}, connections: options.connections ?? 50 };
  await load({ ...run, durationSeconds: 2 });
  const before = cpuMsOf(options.pid);
  const result = await load(run);
  const after = cpuMsOf(options.pid);
  if (result.non2xx || result.errors)
    throw new Error(`${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const cpu =
    before !== undefined && after !== undefined && result.requests
      ? ((after - before) * 1000) / result.requests
      : undefined;
  return {
    target: target.name,
    'req/s': result.rps,
    'p50 ms': result.p50,
    'p99 ms': result.p99,
    ...(cpu === undefined ? {} : { 'server CPU µs/req': cpu }),
  };
}
