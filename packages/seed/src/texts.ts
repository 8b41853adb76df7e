import type { Faker } from '@faker-js/faker';
import type { City, Domain, Origin } from './world.js';

/** Human-sounding texts in English and French, filled from templates with seeded picks. */
const DOMAIN_LABEL: Record<Domain, { en: string; fr: string }> = {
  agriculture: { en: 'agriculture', fr: 'agriculture' },
  architecture: { en: 'architecture', fr: 'architecture' },
  agribusiness: { en: 'agribusiness', fr: 'agro-industrie' },
  industry: { en: 'industry', fr: 'industrie' },
  ict: { en: 'tech', fr: 'numérique' },
  tourism: { en: 'tourism', fr: 'tourisme' },
  textile_clothing: { en: 'fashion and textile', fr: 'mode et textile' },
  art_crafts: { en: 'arts and crafts', fr: 'art et artisanat' },
  journalism_information: { en: 'journalism', fr: 'journalisme' },
  research_higher_education: { en: 'research', fr: 'recherche' },
  education: { en: 'education', fr: 'éducation' },
  commerce: { en: 'trade', fr: 'commerce' },
  consulting: { en: 'consulting', fr: 'conseil' },
  health: { en: 'health', fr: 'santé' },
  associations: { en: 'community associations', fr: 'associations' },
  others: { en: 'community', fr: 'communauté' },
};

export const COUNTRY_NAME: Record<Origin | 'FR' | 'CA' | 'DE' | 'GB', { en: string; fr: string }> = {
  SN: { en: 'Senegal', fr: 'Sénégal' },
  CM: { en: 'Cameroon', fr: 'Cameroun' },
  NG: { en: 'Nigeria', fr: 'Nigeria' },
  MA: { en: 'Morocco', fr: 'Maroc' },
  IN: { en: 'India', fr: 'Inde' },
  PH: { en: 'the Philippines', fr: 'Philippines' },
  BR: { en: 'Brazil', fr: 'Brésil' },
  FR: { en: 'France', fr: 'France' },
  CA: { en: 'Canada', fr: 'Canada' },
  DE: { en: 'Germany', fr: 'Allemagne' },
  GB: { en: 'the United Kingdom', fr: 'Royaume-Uni' },
};

export type Language = 'en' | 'fr';

export function eventText(
  pick: Faker,
  kind: 'national' | 'local',
  domain: Domain,
  place: string,
  language: Language,
): { title: string; description: string } {
  const label = DOMAIN_LABEL[domain][language];
  const host = pick.company.name();
  if (language === 'fr') {
    const title = pick.helpers.arrayElement([
      `Rencontre ${label} de la diaspora — ${place}`,
      `Atelier ${label} : réussir à ${place}`,
      `Forum ${kind === 'national' ? 'national' : 'local'} ${label}`,
      `Afterwork ${label} à ${place}`,
    ]);
    return {
      title,
      description: `${pick.helpers.arrayElement(['Venez échanger', 'Retrouvons-nous', 'Une soirée pour se rencontrer'])} autour de ${label} avec ${host}. ${pick.helpers.arrayElement(['Témoignages, conseils pratiques et réseautage.', 'Intervenants, questions-réponses puis verre de l’amitié.', 'Ouvert à toutes et à tous, nouveaux arrivants bienvenus.'])}`,
    };
  }
  const title = pick.helpers.arrayElement([
    `Diaspora ${label} meetup — ${place}`,
    `${label[0]!.toUpperCase()}${label.slice(1)} workshop: making it in ${place}`,
    `${kind === 'national' ? 'National' : 'City'} ${label} forum`,
    `${label[0]!.toUpperCase()}${label.slice(1)} networking night in ${place}`,
  ]);
  return {
    title,
    description: `${pick.helpers.arrayElement(['Join us', 'Come along', 'An evening'])} to talk ${label} with ${host}. ${pick.helpers.arrayElement(['Stories, practical advice and networking.', 'Speakers, Q&A, then drinks.', 'Open to all, newcomers most welcome.'])}`,
  };
}

export function postText(pick: Faker, city: City, origin: Origin, domain: Domain, language: Language): string {
  const label = DOMAIN_LABEL[domain][language];
  const from = COUNTRY_NAME[origin][language];
  const food = pick.helpers.arrayElement([
    'thiéboudienne',
    'ndolé',
    'jollof',
    'tajine',
    'biryani',
    'adobo',
    'feijoada',
  ]);
  const en = [
    `Anyone from ${from} working in ${label} around ${city.name}? Would love to swap notes.`,
    `Just landed a new role in ${label} here in ${city.name}. Thank you all for the tips last month!`,
    `Where do you find good ${food} in ${city.name}? Asking for a homesick friend.`,
    `Reminder: the paperwork for residence permits in ${city.name} takes weeks. Start early, keep copies.`,
    `Looking for a mentor in ${label}. Happy to help with anything about ${from} in return.`,
    `Great turnout at last week's gathering. ${pick.helpers.arrayElement(['Next one is on me.', 'See you at the next one!', 'Photos coming soon.'])}`,
  ];
  const fr = [
    `Des personnes du ${from} dans le secteur ${label} à ${city.name} ? Échangeons !`,
    `Nouveau poste en ${label} ici à ${city.name}. Merci à toutes et à tous pour vos conseils !`,
    `Où trouver un bon ${food} à ${city.name} ? C’est pour une amie qui a le mal du pays.`,
    `Rappel : les démarches pour le titre de séjour à ${city.name} prennent des semaines. Anticipez.`,
    `Je cherche un mentor en ${label}. En échange, je peux aider sur tout ce qui touche au ${from}.`,
    `Belle rencontre la semaine dernière. ${pick.helpers.arrayElement(['La prochaine, c’est moi qui invite.', 'À la prochaine !', 'Les photos arrivent bientôt.'])}`,
  ];
  return pick.helpers.arrayElement(language === 'fr' ? fr : en);
}

export function commentText(pick: Faker, language: Language): string {
  return pick.helpers.arrayElement(
    language === 'fr'
      ? ['Bravo !', 'Je suis partant·e.', 'Merci pour le partage 🙏', 'Je t’envoie un message.', 'Très utile, merci.']
      : ['Congrats!', 'Count me in.', 'Thanks for sharing 🙏', 'DM me.', 'Super helpful, thank you.'],
  );
}

export function messageText(pick: Faker, language: Language): string {
  return pick.helpers.arrayElement(
    language === 'fr'
      ? ['Salut ! Tu viens samedi ?', 'On se retrouve où ?', 'Merci pour le contact 👍', 'Je t’appelle ce soir.']
      : ['Hi! Coming on Saturday?', 'Where shall we meet?', 'Thanks for the intro 👍', 'I’ll call you tonight.'],
  );
}
