import { DOMAINS, type Domain } from '@diaspora/sdk';
import { base, en, en_IN, en_NG, Faker, fr, fr_SN, pt_BR } from '@faker-js/faker';

/** The community a seed describes: who lives where, comes from where, speaks what. Pure and deterministic. */
export { DOMAINS, type Domain } from '@diaspora/sdk';

export interface City {
  name: string;
  country: string;
  timeZone: string;
  lat: number;
  lon: number;
  languages: string[];
}

export const CITIES: City[] = [
  { name: 'Paris', country: 'FR', timeZone: 'Europe/Paris', lat: 48.8566, lon: 2.3522, languages: ['fr'] },
  { name: 'Lyon', country: 'FR', timeZone: 'Europe/Paris', lat: 45.764, lon: 4.8357, languages: ['fr'] },
  {
    name: 'Montréal',
    country: 'CA',
    timeZone: 'America/Toronto',
    lat: 45.5019,
    lon: -73.5674,
    languages: ['fr', 'en'],
  },
  { name: 'Berlin', country: 'DE', timeZone: 'Europe/Berlin', lat: 52.52, lon: 13.405, languages: ['de'] },
  { name: 'London', country: 'GB', timeZone: 'Europe/London', lat: 51.5072, lon: -0.1276, languages: ['en'] },
];

/** Where members come from: the languages they speak and a name source close to home. */
export const ORIGINS = {
  SN: { languages: ['fr', 'wo'], locale: [fr_SN, fr, base], surnames: [] as string[] },
  CM: {
    languages: ['fr', 'en'],
    locale: [fr, base],
    surnames: ['Mbarga', 'Nkoulou', 'Fotso', 'Tchoua', 'Eto’o', 'Ndjock', 'Kamga', 'Ngono', 'Abena', 'Tagne'],
  },
  NG: { languages: ['en', 'yo'], locale: [en_NG, en, base], surnames: [] as string[] },
  MA: {
    languages: ['ar', 'fr'],
    locale: [fr, base],
    surnames: ['El Amrani', 'Benali', 'Alaoui', 'Bennani', 'Tazi', 'Idrissi', 'Chraibi', 'Berrada', 'Lahlou', 'Fassi'],
  },
  IN: { languages: ['en', 'hi'], locale: [en_IN, en, base], surnames: [] as string[] },
  PH: {
    languages: ['en', 'tl'],
    locale: [en, base],
    surnames: [
      'Santos',
      'Reyes',
      'Cruz',
      'Bautista',
      'Garcia',
      'Mendoza',
      'Dela Cruz',
      'Villanueva',
      'Ramos',
      'Aquino',
    ],
  },
  BR: { languages: ['pt'], locale: [pt_BR, base], surnames: [] as string[] },
} as const;
export type Origin = keyof typeof ORIGINS;
export const ORIGIN_CODES = Object.keys(ORIGINS) as Origin[];

export interface MemberPlan {
  index: number;
  email: string;
  displayName: string;
  origin: Origin;
  city: City;
  languages: string[];
  domains: Domain[];
  bio: string;
  arrivedAt: string;
}

/** One Faker per purpose, each seeded from the run's seed, so a stage's choices do not shift another's. */
export function fakerFor(seed: number, purpose: string, locale: Faker['rawDefinitions'][] = [en, base]): Faker {
  let hash = seed >>> 0;
  for (const char of purpose) hash = (Math.imul(hash ^ char.charCodeAt(0), 16777619) + 1) >>> 0;
  const faker = new Faker({ locale });
  faker.seed(hash);
  return faker;
}

export function memberEmail(seed: number, index: number): string {
  return `member${index}.seed${seed}@demo.diaspora.example`;
}

export function planMember(seed: number, index: number): MemberPlan {
  const pick = fakerFor(seed, `member:${index}`);
  const origin = ORIGIN_CODES[index % ORIGIN_CODES.length]!;
  // Cities take turns at a different pace than origins, so every origin lives in every city.
  const city = CITIES[Math.floor(index / ORIGIN_CODES.length) % CITIES.length]!;
  const source = ORIGINS[origin];
  const names = fakerFor(seed, `name:${index}`, [...source.locale]);
  const sex = pick.helpers.arrayElement(['female', 'male'] as const);
  const lastName = source.surnames.length ? pick.helpers.arrayElement(source.surnames) : names.person.lastName();
  const displayName = `${names.person.firstName(sex)} ${lastName}`;
  const domains = pick.helpers.arrayElements(DOMAINS, { min: 1, max: 3 });
  const languages = [...new Set([...source.languages, ...city.languages])].slice(0, 4);
  const job = pick.person.jobTitle();
  const years = pick.number.int({ min: 1, max: 20 });
  const bio = city.languages.includes('fr')
    ? `${job} à ${city.name} depuis ${years} ans. Passionné·e de ${domains.join(', ').replaceAll('_', ' ')}.`
    : `${job} in ${city.name} for ${years} years. Into ${domains.join(', ').replaceAll('_', ' ')}.`;
  const arrived = new Date(Date.UTC(2026 - years, pick.number.int({ min: 0, max: 11 }), 1));
  return {
    index,
    email: memberEmail(seed, index),
    displayName,
    origin,
    city,
    languages,
    domains,
    bio,
    arrivedAt: arrived.toISOString().slice(0, 10),
  };
}

/** Ambassadors (one per country of residence) and consuls (one per city): the first members who live there. */
export function leaders(members: MemberPlan[]) {
  const consuls = CITIES.map((city) => members.find((m) => m.city === city && !isAmbassadorIndex(members, m)));
  return {
    ambassadors: [...new Set(CITIES.map((c) => c.country))].flatMap((country) => {
      const member = members.find((m) => m.city.country === country);
      return member ? [{ member, country }] : [];
    }),
    consuls: consuls.flatMap((member) => (member ? [{ member, city: member.city }] : [])),
  };
}

function isAmbassadorIndex(members: MemberPlan[], candidate: MemberPlan): boolean {
  return members.find((m) => m.city.country === candidate.city.country) === candidate;
}
