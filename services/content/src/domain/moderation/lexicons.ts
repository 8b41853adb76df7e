/**
 * Built-in lexicons: term → score. A text's score is the sum of its matches (each term once); the service holds
 * text scoring ≥ MODERATION_HOLD_SCORE (default 1) and flags text scoring ≥ MODERATION_FLAG_SCORE (default 0.4).
 * So 1.0 marks terms that are clearly violating on their own (slurs, threats, incitement), 0.4–0.6 insults and
 * profanity (borderline: published, reviewed), and two insults together reach the hold line.
 * Terms are matched on normalized text (lowercase, no accents, leetspeak undone) at word boundaries; a term may be
 * a phrase. Operators extend or override these per language with MODERATION_LEXICONS (a score of 0 removes one).
 */
export type Lexicon = Record<string, number>;

/** English: what obscenity's dataset does not cover (threats, incitement, dehumanizing phrases). */
const en: Lexicon = {
  'kill yourself': 1,
  kys: 1,
  'i will kill you': 1,
  'i am going to kill you': 1,
  'go back to your country': 1,
  'go back to africa': 1,
  subhuman: 1,
  vermin: 0.6,
  cockroaches: 0.6,
  idiot: 0.4,
  moron: 0.4,
  stupid: 0.2,
  dumbass: 0.5,
  loser: 0.3,
  scum: 0.5,
  'shut up': 0.2,
};

/** French. */
const fr: Lexicon = {
  // injures et grossièretés (limites : publiées et signalées)
  connard: 0.5,
  connasse: 0.5,
  conne: 0.4,
  con: 0.4,
  salaud: 0.5,
  salope: 0.6,
  pute: 0.6,
  putain: 0.4,
  merde: 0.4,
  enfoire: 0.5,
  encule: 0.8,
  'ta gueule': 0.5,
  abruti: 0.4,
  cretin: 0.4,
  debile: 0.4,
  batard: 0.5,
  // clairement violent ou haineux (retenu pour examen)
  'nique ta mere': 1,
  ntm: 1,
  'sale negre': 1,
  negre: 1,
  bougnoule: 1,
  bamboula: 1,
  youpin: 1,
  'sale arabe': 1,
  'sale noir': 1,
  'retourne dans ton pays': 1,
  'rentre chez toi': 0.6,
  'je vais te tuer': 1,
  'va te pendre': 1,
  'suicide toi': 1,
  creve: 0.6,
};

export const BUILTIN_LEXICONS: Record<string, Lexicon> = { en, fr };

/** Scores obscenity's English terms: slurs hold on their own, other profanity is borderline. */
export const OBSCENITY_SCORES: Record<string, number> = {
  abo: 1,
  abeed: 1,
  africoon: 1,
  arabush: 1,
  boonga: 1,
  chingchong: 1,
  chink: 1,
  fag: 1,
  kike: 1,
  negro: 1,
  nigger: 1,
  tranny: 1,
  retard: 0.6,
  spastic: 0.6,
  rape: 0.8,
  cunt: 0.6,
  whore: 0.6,
  slut: 0.6,
  bitch: 0.5,
  twat: 0.5,
  bastard: 0.4,
};

/** Any obscenity term not listed above. */
export const OBSCENITY_DEFAULT_SCORE = 0.4;
