import { AppError } from '@flowgento/core';

/**
 * STOP and START words a customer may write, in the languages our tenants'
 * customers write in most: English, Spanish, Portuguese, French, German,
 * Italian, Hindi and Arabic. A message counts only when it is the keyword
 * alone (case, accents and surrounding punctuation aside): "please don't
 * stop" is a conversation, not an opt-out.
 */
export const DEFAULT_STOP_KEYWORDS: readonly string[] = [
  'stop',
  'stop all',
  'stopall',
  'unsubscribe',
  'opt out',
  'optout',
  'cancel',
  'quit',
  'end',
  'baja',
  'parar',
  'detener',
  'cancelar',
  'sair',
  'arret',
  'desabonner',
  'stopp',
  'abmelden',
  'abbestellen',
  'basta',
  'disiscriviti',
  'रोकें',
  'बंद',
  'توقف',
  'إلغاء',
];

export const DEFAULT_START_KEYWORDS: readonly string[] = [
  'start',
  'unstop',
  'subscribe',
  'resume',
  'opt in',
  'optin',
  'alta',
  'iniciar',
  'reanudar',
  'voltar',
  'demarrer',
  'reprendre',
  'anmelden',
  'fortsetzen',
  'riprendi',
  'शुरू',
  'ابدأ',
];

export interface ConsentKeywords {
  stop: readonly string[];
  start: readonly string[];
}

export const MAX_KEYWORDS_PER_LIST = 40;
const MAX_KEYWORD_LENGTH = 40;

/** The longest text a WhatsApp message carries. */
const MAX_WHATSAPP_TEXT = 4096;

/**
 * Format characters, and the fillers that render as nothing (Hangul fillers,
 * Arabic tatweel, which only stretches a word: تـوقف is توقف).
 */
const INVISIBLE = /[\p{Cf}\u115f\u1160\u3164\uffa0\u0640]/gu;

function dropInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

/**
 * The form a keyword and a message are compared in: Unicode-normalised,
 * accents removed, lower case, punctuation and emoji at either end dropped,
 * inner spaces collapsed. Invisible format characters (zero-width space,
 * joiners, byte-order mark) and fillers are dropped first: "stop\u200b" is
 * still STOP.
 * Marks of scripts that need them (Devanagari's vowel signs) survive,
 * because only Latin letters are folded.
 */
export function normalizeKeyword(text: string): string {
  return dropInvisible(text)
    .normalize('NFKD')
    .replace(/(?<=[A-Za-z])\p{Mn}+/gu, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '')
    .replace(/\s+/g, ' ');
}

/** Whether an inbound text is a STOP or START keyword, and which one. */
export function matchConsentKeyword(
  text: string,
  keywords: ConsentKeywords,
): { kind: 'stop' | 'start'; keyword: string } | null {
  // A keyword is short; a long message is never one, and costs no more work.
  // Invisible characters do not count toward that length: "stop" followed by
  // eighty zero-width spaces is still STOP. WhatsApp texts end at 4,096.
  if (text.length > MAX_WHATSAPP_TEXT) return null;
  const visible = dropInvisible(text);
  if (visible.length > MAX_KEYWORD_LENGTH * 2) return null;
  const said = normalizeKeyword(visible);
  if (said.length === 0) return null;
  for (const keyword of keywords.stop) {
    if (normalizeKeyword(keyword) === said) return { kind: 'stop', keyword };
  }
  for (const keyword of keywords.start) {
    if (normalizeKeyword(keyword) === said) return { kind: 'start', keyword };
  }
  return null;
}

/** The workspace's own lists when it set any, else the built-in ones. */
export function effectiveKeywords(own: {
  stop: readonly string[];
  start: readonly string[];
}): ConsentKeywords & { custom: boolean } {
  const custom = own.stop.length > 0 || own.start.length > 0;
  return custom
    ? { stop: own.stop, start: own.start, custom }
    : { stop: DEFAULT_STOP_KEYWORDS, start: DEFAULT_START_KEYWORDS, custom };
}

/**
 * Checks lists an admin typed: each keyword normalised and non-empty, none
 * in both lists, a STOP list that is not empty (a workspace that could not
 * be left would break WhatsApp's Business Policy). Returns them normalised.
 */
export function checkKeywordLists(lists: ConsentKeywords): ConsentKeywords {
  const clean = (field: 'stop' | 'start') => {
    const out = [...new Set(lists[field].map(normalizeKeyword))];
    if (out.some((k) => k.length === 0 || k.length > MAX_KEYWORD_LENGTH)) {
      throw invalid(
        field,
        `each ${field} keyword must be 1 to ${MAX_KEYWORD_LENGTH} letters`,
      );
    }
    if (out.length > MAX_KEYWORDS_PER_LIST) {
      throw invalid(field, `at most ${MAX_KEYWORDS_PER_LIST} ${field} keywords`);
    }
    return out;
  };
  const stop = clean('stop');
  const start = clean('start');
  if (stop.length === 0) {
    throw invalid(
      'stop',
      'stop: at least one keyword is needed, or customers could not opt out',
    );
  }
  const both = stop.filter((k) => start.includes(k));
  if (both.length > 0) {
    throw invalid('start', `start: "${both[0]}" is also a stop keyword`);
  }
  return { stop, start };
}

function invalid(field: string, message: string): AppError {
  return new AppError('INVALID_INPUT', message, {
    reason: 'consent_keywords_invalid',
    details: { field },
  });
}
