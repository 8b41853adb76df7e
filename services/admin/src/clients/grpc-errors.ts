import { Problem } from '@diaspora/service-kit';

/** gRPC statuses a peer answers on purpose, as the problems this service shows (the rest stay 5xx/503). */
const PROBLEM_BY_CODE: Record<number, number> = { 3: 400, 5: 404, 6: 409, 7: 403, 9: 409 };

function peerProblem(error: unknown): unknown {
  const { code, details } = error as { code?: unknown; details?: unknown };
  if (typeof code !== 'number' || !('metadata' in (error as object))) return error;
  const status = PROBLEM_BY_CODE[code];
  return status
    ? new Problem(status, { detail: typeof details === 'string' && details ? details : undefined, cause: error })
    : error;
}

export async function call<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw peerProblem(error);
  }
}

/** NOT_FOUND as null, other failures mapped. */
export async function optional<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if ((error as { code?: unknown }).code === 5) return null;
    throw peerProblem(error);
  }
}
