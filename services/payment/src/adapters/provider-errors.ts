import { Problem, problems } from '@diaspora/service-kit';

/**
 * A provider call that failed: unreachable, timed out or a 5xx is 503 (the member may retry, nothing was
 * written on our side); a refusal of our request is 502 (a configuration problem the operator must see).
 * Provider messages are logged by the caller, never shown.
 */
export function providerProblem(error: unknown, provider: string): Problem {
  if (error instanceof Problem) return error;
  const status = (error as { statusCode?: number }).statusCode;
  const type = (error as { type?: string }).type;
  const unreachable =
    type === 'StripeConnectionError' ||
    type === 'StripeAPIError' ||
    status === undefined ||
    status === 429 ||
    status >= 500;
  return unreachable
    ? problems.unavailable(`The payment provider (${provider}) cannot be reached; retry shortly.`)
    : new Problem(502, { detail: `The payment provider (${provider}) refused the request.`, cause: error });
}
