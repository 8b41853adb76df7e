import type { paths } from './gen/schema.js';

/** The 16 professional domains, as the API's schema declares them (the kit's vocabulary.ts is their source). */
export type Domain = NonNullable<
  paths['/api/v1/events']['post']['requestBody']['content']['application/json']['domain']
>;

// A type only exists at compile time; the list a client iterates is checked against it both ways, so a domain
// added to or removed from the API fails the SDK's typecheck until this list follows.
const list = [
  'agriculture',
  'architecture',
  'agribusiness',
  'industry',
  'ict',
  'tourism',
  'textile_clothing',
  'art_crafts',
  'journalism_information',
  'research_higher_education',
  'education',
  'commerce',
  'consulting',
  'health',
  'associations',
  'others',
] as const satisfies readonly Domain[];
type Missing = Exclude<Domain, (typeof list)[number]>;
const complete: [Missing] extends [never] ? true : Missing = true;

export const DOMAINS: readonly Domain[] = complete && list;
