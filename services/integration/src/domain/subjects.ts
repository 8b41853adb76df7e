import type { EventDefinition } from '@diaspora/events';
import * as events from '@diaspora/events';
import { problems, subjectMatches } from '@diaspora/service-kit';

const isDefinition = (value: unknown): value is EventDefinition =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as EventDefinition).subject === 'string' &&
  typeof (value as EventDefinition).version === 'number' &&
  'schema' in value;

/** Every domain event declared in packages/events: the only subjects a webhook may carry. */
export const declaredEvents: EventDefinition[] = (Object.values(events) as unknown[])
  .filter(isDefinition)
  .sort((a, b) => a.subject.localeCompare(b.subject));

const PATTERN = /^[a-z][a-z0-9_]*(\.([a-z][a-z0-9_]*|\*))*(\.>)?$/;

/**
 * Checks the subjects a subscription asks for: exact declared subjects or NATS wildcards (`*` one token, a
 * trailing `>` the rest) that match at least one declared subject. Unknown or malformed ones are a 400 naming them.
 */
export function validateSubjectPatterns(patterns: string[]): string[] {
  const unique = [...new Set(patterns.map((pattern) => pattern.trim()))];
  const errors = unique.flatMap((pattern, index) => {
    if (!PATTERN.test(pattern))
      return [{ field: `/events/${index}`, message: `"${pattern}" is not a subject or subject pattern` }];
    if (!declaredEvents.some((event) => subjectMatches(pattern, event.subject)))
      return [{ field: `/events/${index}`, message: `"${pattern}" matches no declared event subject` }];
    return [];
  });
  if (errors.length) throw problems.validation(errors, 'Some event subjects are unknown.');
  return unique;
}

export const wants = (patterns: string[], subject: string) =>
  patterns.some((pattern) => subjectMatches(pattern, subject));
