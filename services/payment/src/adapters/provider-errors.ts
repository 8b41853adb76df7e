import { isUnavailableError, Problem, problems } from '@diaspora/service-kit';

/**
 * A provider call that failed: unreachable, timed out, rate-limited or a 5xx is 503 (the member may retry,
 * nothing was written on our side); a refusal of our request (4xx) is 502 — a configuration problem the operator
 * must see, not something a retry fixes. Provider messages stay in the cause (logged), never in the answer.
 * Anything else is a bug and stays what it is (a 500).
 */
export function providerProblem(error: unknown, provider: string): unknown {
  if (error instanceof Problem) return error;
  const status = (error as { statusCode?: number }).statusCode;
  const type = (error as { type?: string }).type;
  if (
    type === 'StripeConnectionError' ||
    type === 'StripeAPIError' ||
    type === 'StripeRateLimitError' ||
    (typeof status === 'number' && (status === 429 || status >= 500)) ||
    isUnavailableError(error)
  )
    return problems.unavailable(`The payment provider (${provider}) cannot be reached; retry shortly.`);
  // An answer the SDK cannot read is the provider's fault, not the member's nor a bug of ours.
  if (typeof status === 'number' ? status >= 400 : (error as Error | undefined)?.name === 'ResponseValidationError')
    return new Problem(502, { detail: `The payment provider (${provider}) refused the request.`, cause: error });
  return error;
}
