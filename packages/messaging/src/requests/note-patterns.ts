/**
 * The kinds of personal detail about other people that the note redactor
 * (note-redaction.ts) recognises by their shape alone, whoever they name.
 * Each pattern errs towards masking: a shop's street or a product with a
 * two-word name can be masked too, but nobody's address or name leaves.
 */

/** e-mail addresses typed to dodge filters: "jsouza[at]mail.example", "j at mail dot com". */
export const OBFUSCATED_EMAIL = new RegExp(
  String.raw`[\p{L}\p{N}._%+-]+` +
    String.raw`(?:\s*(?:\[at\]|\(at\)|\{at\}|@)\s*|\s+at\s+)` +
    String.raw`[\p{L}\p{N}-]+` +
    String.raw`(?:(?:\s*(?:\[dot\]|\(dot\)|\{dot\})\s*|\s+dot\s+|\.)[\p{L}\p{N}-]+)*` +
    String.raw`(?:\s*(?:\[dot\]|\(dot\)|\{dot\})\s*|\s+dot\s+|\.)\p{L}{2,}`,
  'giu',
);

/** Words that name a street, before the street's name (Rua das Flores 12). */
const STREET_BEFORE = [
  'Rua',
  'Avenida',
  'Av\\.',
  'Avda\\.?',
  'Travessa',
  'Alameda',
  'Estrada',
  'Praça',
  'Calle',
  'Carrer',
  'Camino',
  'Paseo',
  'Plaza',
  'Rue',
  'Via',
  'Viale',
  'Piazza',
].join('|');

/** Words that name a street, after the street's name (12 Baker Street, MG Marg). */
const STREET_AFTER = [
  'Street',
  'St\\.?',
  'Road',
  'Rd\\.?',
  'Avenue',
  'Ave\\.?',
  'Lane',
  'Ln\\.?',
  'Drive',
  'Way',
  'Close',
  'Crescent',
  'Boulevard',
  'Blvd\\.?',
  'Place',
  'Square',
  'Strasse',
  'Straße',
  'Str\\.',
  'Marg',
  'Nagar',
  'Colony',
  'Chowk',
  'Gali',
].join('|');

const WORDS = String.raw`(?:[\p{L}'.-]+\s+){0,4}?`;
const HOUSE = String.raw`\d{1,5}[A-Za-z]?\b`;

/** A street address: a house number and a street word, in either order. */
export const STREET_ADDRESS = new RegExp(
  [
    String.raw`(?<![\p{L}])(?:${STREET_BEFORE})\s+${WORDS}[\p{L}'.-]+,?\s*(?:n[º°o.]\s*)?${HOUSE}`,
    String.raw`\b${HOUSE},?\s+${WORDS}(?:${STREET_AFTER})(?![\p{L}])`,
    String.raw`[\p{L}-]+(?:strasse|straße|marg|nagar)\s+${HOUSE}`,
  ].join('|'),
  'gu',
);

const MONTH =
  '(?:jan|feb|fev|mar|apr|abr|may|mai|jun|jul|aug|ago|sep|set|oct|out|nov|dec|dez|dic|ene)[\\p{L}]*\\.?';

/** A date as people write it: numbers, or with the month's name in English, Portuguese or Spanish. */
export const ANY_DATE = new RegExp(
  [
    String.raw`\b\d{4}[-./]\d{1,2}[-./]\d{1,2}\b`,
    String.raw`\b\d{1,2}[-./]\d{1,2}[-./]\d{2,4}\b`,
    String.raw`\b\d{1,2}(?:st|nd|rd|th)?\s+(?:de\s+)?${MONTH}\s+(?:de\s+)?\d{4}\b`,
    String.raw`\b${MONTH}\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b`,
  ].join('|'),
  'giu',
);

/** Words that make a following date (or bare year) a birth date. */
export const BIRTH_CONTEXT = new RegExp(
  String.raw`(?:\bborn(?:\s+(?:on|in))?|\bd\.?o\.?b\.?:?|\bdate of birth:?|\bbirthday:?|` +
    String.raw`\bnascid[oa](?:\s+(?:em|a))?|\bnacid[oa](?:\s+(?:el|en))?|` +
    String.raw`\bdata de nascimento:?|\bfecha de nacimiento:?|\bjanm(?:\s+tithi)?:?)\s*$`,
  'iu',
);

/** A year on its own right after birth words ("born 1980"). */
export const BARE_YEAR = /\b(1[89]\d{2}|20\d{2})\b/gu;

/**
 * Words for a relative or acquaintance, in English, Portuguese, Spanish and
 * Hindi (romanised and Devanagari): a capitalised word after one is a name.
 */
export const RELATIONSHIP_WORDS = [
  // English
  'husband',
  'wife',
  'partner',
  'boyfriend',
  'girlfriend',
  'fiancé',
  'fiancée',
  'sister',
  'brother',
  'mother',
  'father',
  'mum',
  'mom',
  'dad',
  'son',
  'daughter',
  'friend',
  'colleague',
  'neighbour',
  'neighbor',
  'cousin',
  'uncle',
  'aunt',
  'nephew',
  'niece',
  'grandmother',
  'grandfather',
  'grandma',
  'grandpa',
  'boss',
  'lawyer',
  // Portuguese
  'marido',
  'esposa',
  'esposo',
  'mulher',
  'namorado',
  'namorada',
  'irmã',
  'irmão',
  'mãe',
  'pai',
  'filho',
  'filha',
  'amigo',
  'amiga',
  'colega',
  'vizinho',
  'vizinha',
  'primo',
  'prima',
  'tio',
  'tia',
  'avó',
  'avô',
  // Spanish
  'hermana',
  'hermano',
  'madre',
  'padre',
  'hijo',
  'hija',
  'novio',
  'novia',
  'vecino',
  'vecina',
  'tío',
  'tía',
  'abuela',
  'abuelo',
  // Hindi
  'pati',
  'patni',
  'bhai',
  'bhaiya',
  'behen',
  'bahan',
  'didi',
  'maa',
  'mata',
  'pita',
  'papa',
  'beta',
  'beti',
  'dost',
  'saheli',
  'padosi',
  'chacha',
  'chachi',
  'mausi',
  'bua',
  'nani',
  'dadi',
  'पति',
  'पत्नी',
  'भाई',
  'बहन',
  'माँ',
  'पिता',
  'बेटा',
  'बेटी',
  'दोस्त',
];

// Without the `i` flag, so that \p{Lu} still means a capital: a
// relationship word may open a sentence, so its first letter goes both ways.
const RELATION = RELATIONSHIP_WORDS.map(
  (word) => `[${word[0]}${word[0]!.toLocaleUpperCase()}]${word.slice(1)}`,
).join('|');
const CAPITALISED = String.raw`\p{Lu}[\p{Ll}\p{M}'’-]+`;
const PARTICLE = String.raw`(?:da|das|de|del|der|di|do|dos|du|la|le|van|von|bin|al)`;

/** Two or more capitalised words in a row, lower-case particles allowed between. */
export const NAME_RUN = new RegExp(
  String.raw`(?<![\p{L}\p{N}])${CAPITALISED}(?:\s+(?:${PARTICLE}\s+)?${CAPITALISED})+(?![\p{L}\p{N}])`,
  'gu',
);

/** A capitalised word right after a relationship word ("her husband, Marco"). */
export const NAME_AFTER_RELATION = new RegExp(
  String.raw`(?<![\p{L}])((?:${RELATION}))(\s*[,:]?\s+(?:(?:named|called|chamad[oa]|llamad[oa])\s+)?)(${CAPITALISED}(?:\s+(?:${PARTICLE}\s+)?${CAPITALISED})*)(?![\p{L}\p{N}])`,
  'gu',
);

/** Capitalised words that open a sentence or a name run without naming anyone. */
export const NOT_NAMES = new Set([
  'her',
  'his',
  'their',
  'the',
  'she',
  'he',
  'they',
  'my',
  'our',
  'a',
  'an',
  'and',
  'or',
  'but',
  'also',
  'mr',
  'mrs',
  'ms',
  'dr',
  'sr',
  'sra',
  'dona',
  'seu',
  'shri',
  'smt',
  ...RELATIONSHIP_WORDS,
]);
