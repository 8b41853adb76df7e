/** The languages notification texts are written in; a member gets the first of their languages found here. */
const TEXT_LANGUAGES = ['en', 'fr'] as const;
export type TextLanguage = (typeof TEXT_LANGUAGES)[number];

export function pickLanguage(languages: readonly string[]): TextLanguage {
  for (const tag of languages) {
    const primary = tag.toLowerCase().split('-')[0];
    if ((TEXT_LANGUAGES as readonly string[]).includes(primary ?? '')) return primary as TextLanguage;
  }
  return 'en';
}

type P = Record<string, string | number | undefined>;
interface Wording {
  title: (p: P) => string;
  body: (p: P) => string;
}

const duration = (minutes: number, lang: TextLanguage): string => {
  if (minutes % 1440 === 0) {
    const days = minutes / 1440;
    return lang === 'fr' ? `${days} jour${days > 1 ? 's' : ''}` : `${days} day${days > 1 ? 's' : ''}`;
  }
  if (minutes % 60 === 0) {
    const hours = minutes / 60;
    return lang === 'fr' ? `${hours} heure${hours > 1 ? 's' : ''}` : `${hours} hour${hours > 1 ? 's' : ''}`;
  }
  return `${minutes} min`;
};

/** "Amina", "Amina and Kofi", "Amina and 4 others" — the batched likes' subject. */
function actors(p: P, lang: TextLanguage): string {
  const others = Number(p.others ?? 0);
  if (others === 0) return String(p.name);
  if (others === 1 && p.second) return lang === 'fr' ? `${p.name} et ${p.second}` : `${p.name} and ${p.second}`;
  return lang === 'fr' ? `${p.name} et ${others} autres personnes` : `${p.name} and ${others} others`;
}

const WORDINGS: Record<string, Record<TextLanguage, Wording>> = {
  connection_requested: {
    en: { title: () => 'New connection request', body: (p) => `${p.name} wants to connect with you.` },
    fr: { title: () => 'Nouvelle demande de connexion', body: (p) => `${p.name} souhaite se connecter avec vous.` },
  },
  connection_accepted: {
    en: { title: () => 'Connection accepted', body: (p) => `${p.name} accepted your connection request.` },
    fr: { title: () => 'Connexion acceptée', body: (p) => `${p.name} a accepté votre demande de connexion.` },
  },
  appointed: {
    en: { title: () => 'New appointment', body: (p) => `You are now ${p.role} of ${p.place}.` },
    fr: { title: () => 'Nouvelle nomination', body: (p) => `Vous êtes désormais ${p.role} de ${p.place}.` },
  },
  comment: {
    en: { title: (p) => `${p.name} commented on your post`, body: (p) => String(p.excerpt) },
    fr: { title: (p) => `${p.name} a commenté votre publication`, body: (p) => String(p.excerpt) },
  },
  reply: {
    en: { title: (p) => `${p.name} replied to your comment`, body: (p) => String(p.excerpt) },
    fr: { title: (p) => `${p.name} a répondu à votre commentaire`, body: (p) => String(p.excerpt) },
  },
  likes: {
    en: {
      title: () => 'New likes',
      body: (p) => `${actors(p, 'en')} liked your post.`,
    },
    fr: {
      title: () => 'Nouvelles mentions J’aime',
      body: (p) => `${actors(p, 'fr')} ${Number(p.others ?? 0) > 0 ? 'ont' : 'a'} aimé votre publication.`,
    },
  },
  shared: {
    en: { title: () => 'Your post was shared', body: (p) => `${p.name} shared your post.` },
    fr: { title: () => 'Votre publication a été partagée', body: (p) => `${p.name} a partagé votre publication.` },
  },
  reminder: {
    en: { title: (p) => `Reminder: ${p.event}`, body: (p) => `Starts in ${duration(Number(p.minutes), 'en')}.` },
    fr: { title: (p) => `Rappel : ${p.event}`, body: (p) => `Commence dans ${duration(Number(p.minutes), 'fr')}.` },
  },
  promoted: {
    en: { title: () => 'You have a seat', body: (p) => `A seat freed up at “${p.event}”: you are in.` },
    fr: {
      title: () => 'Vous avez une place',
      body: (p) => `Une place s’est libérée pour « ${p.event} » : vous y êtes.`,
    },
  },
  promoted_payment: {
    en: { title: () => 'Seat held for you', body: (p) => `A seat freed up at “${p.event}”: pay to confirm it.` },
    fr: {
      title: () => 'Place réservée',
      body: (p) => `Une place s’est libérée pour « ${p.event} » : payez pour la confirmer.`,
    },
  },
  event_canceled: {
    en: { title: () => 'Event canceled', body: (p) => `“${p.event}” was canceled by its organizer.` },
    fr: { title: () => 'Événement annulé', body: (p) => `« ${p.event} » a été annulé par son organisateur.` },
  },
  message: {
    en: { title: (p) => String(p.name), body: (p) => String(p.preview) },
    fr: { title: (p) => String(p.name), body: (p) => String(p.preview) },
  },
  invitation: {
    en: { title: () => 'You are invited', body: (p) => `${p.name} invites you to “${p.event}”.` },
    fr: { title: () => 'Vous êtes invité·e', body: (p) => `${p.name} vous invite à « ${p.event} ».` },
  },
  new_event: {
    en: { title: () => 'New event near you', body: (p) => `“${p.event}” — ${p.place}.` },
    fr: { title: () => 'Nouvel événement près de chez vous', body: (p) => `« ${p.event} » — ${p.place}.` },
  },
  join_anniversary: {
    en: {
      title: () => 'Happy anniversary!',
      body: (p) => `You joined the community ${p.years} year${Number(p.years) > 1 ? 's' : ''} ago today.`,
    },
    fr: {
      title: () => 'Joyeux anniversaire !',
      body: (p) => `Vous avez rejoint la communauté il y a ${p.years} an${Number(p.years) > 1 ? 's' : ''} aujourd’hui.`,
    },
  },
  arrival_anniversary: {
    en: {
      title: () => 'An anniversary to celebrate',
      body: (p) => `${p.years} year${Number(p.years) > 1 ? 's' : ''} ago today you arrived in your new country.`,
    },
    fr: {
      title: () => 'Un anniversaire à fêter',
      body: (p) => `Il y a ${p.years} an${Number(p.years) > 1 ? 's' : ''} aujourd’hui, vous arriviez dans votre pays.`,
    },
  },
  welcome: {
    en: {
      title: (p) => `Welcome to the ${p.city} community`,
      body: (p) =>
        `${p.consul ? `${p.consul} is your consul in ${p.city}. ` : ''}${Number(p.events) > 0 ? `${p.events} local events are coming up.` : 'Explore the events near you.'}`,
    },
    fr: {
      title: (p) => `Bienvenue dans la communauté de ${p.city}`,
      body: (p) =>
        `${p.consul ? `${p.consul} est votre consul à ${p.city}. ` : ''}${Number(p.events) > 0 ? `${p.events} événements locaux arrivent bientôt.` : 'Découvrez les événements près de chez vous.'}`,
    },
  },
  consul_quota: {
    en: {
      title: () => 'Local events: behind pace',
      body: (p) => `${p.held} of ${p.quota} local events held this year (${p.scheduled} scheduled). Plan the next one!`,
    },
    fr: {
      title: () => 'Événements locaux : en retard',
      body: (p) =>
        `${p.held} événements locaux sur ${p.quota} tenus cette année (${p.scheduled} prévus). Organisez le prochain !`,
    },
  },
};

export type TextKey = keyof typeof WORDINGS;

/** The notification's title and body for `key` in the recipient's language. */
export function render(key: TextKey, params: P, lang: TextLanguage): { title: string; body: string } {
  const wording = WORDINGS[key]?.[lang];
  if (!wording) throw new Error(`no wording for ${key}`);
  return { title: wording.title(params).slice(0, 200), body: wording.body(params).slice(0, 1000) };
}

const EMAIL_CHROME: Record<TextLanguage, { unsubscribe: (type: string) => string; open: string }> = {
  en: { unsubscribe: (type) => `Stop these emails (${type.replaceAll('_', ' ')})`, open: 'Open the app' },
  fr: { unsubscribe: (type) => `Ne plus recevoir ces e-mails (${type.replaceAll('_', ' ')})`, open: 'Ouvrir l’app' },
};

export function emailChrome(lang: TextLanguage) {
  return EMAIL_CHROME[lang];
}
