/**
 * Masks card and identity numbers in text before it is stored (issue #8,
 * part 8). A number is masked only when its check digit holds, so order
 * numbers and phone numbers of the same length pass untouched. The list of
 * identity numbers is data: add a pattern to `IDENTITY_NUMBERS` to mask
 * another kind.
 */

/** What a workspace asked to be masked. */
export interface MaskingChoice {
  cards: boolean;
  identities: boolean;
}

/** One kind of identity number: how to find it and how to confirm it. */
export interface IdentityNumberPattern {
  name: string;
  /** Global regex; each match is a candidate. */
  find: RegExp;
  /** The candidate's check (checksum or shape); true masks it. */
  valid: (candidate: string) => boolean;
  /** How a match is masked; by default every digit but the last four. */
  mask?: (candidate: string) => string;
}

const MASK = '•';

// Verhoeff tables (dihedral group D5), as UIDAI uses for Aadhaar's last digit.
const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** True when the digits end in a valid Verhoeff check digit. */
export function verhoeffValid(digits: string): boolean {
  let check = 0;
  const reversed = [...digits].reverse();
  for (const [i, char] of reversed.entries()) {
    const p = VERHOEFF_P[i % 8]?.[Number(char)] ?? 0;
    check = VERHOEFF_D[check]?.[p] ?? 0;
  }
  return check === 0;
}

/** True when the digits pass the Luhn check that card numbers carry. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  const reversed = [...digits].reverse();
  for (const [i, char] of reversed.entries()) {
    let n = Number(char);
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

const onlyDigits = (text: string) => text.replace(/[^0-9]/g, '');

/** Identity numbers masked when the workspace asks; extend here. */
export const IDENTITY_NUMBERS: readonly IdentityNumberPattern[] = [
  {
    // Aadhaar: 12 digits, never starting 0 or 1, Verhoeff check digit.
    name: 'aadhaar',
    find: /(?<![0-9])[2-9][0-9]{3}[ .-]?[0-9]{4}[ .-]?[0-9]{4}(?![0-9])/g,
    valid: (candidate) => verhoeffValid(onlyDigits(candidate)),
  },
  {
    // PAN: five letters, four digits, a letter; the fourth letter is the
    // holder's type (P person, C company, H HUF, F firm, …). Customers type
    // it in lower case as often as in capitals, so case does not matter.
    name: 'pan',
    find: /(?<![A-Za-z0-9])[A-Z]{3}[ABCFGHJLPT][A-Z][0-9]{4}[A-Z](?![A-Za-z0-9])/gi,
    valid: () => true,
    // Its digits alone would leave the letters that name the holder.
    mask: (candidate) => MASK.repeat(candidate.length),
  },
];

// The separators people type between digit groups: a space, a dash or a
// dot (4111.1111.1111.1111 is common on receipts). Cards and identity
// numbers accept the same ones, so no way of writing a number slips past.
// 13 to 19 digits, each group split by at most one separator.
const CARD_CANDIDATE = /(?<![0-9])[0-9](?:[ .-]?[0-9]){12,18}(?![0-9])/g;

// A card's security code and expiry, found by the words written before them
// ("cvv 123", "exp 12/29", "valid thru 12/2029"). They are masked in every
// message once cards are masked, not only beside a card number: a customer
// often sends the number and the code in two messages, and a code after
// "cvv" is never anything a workspace needs to keep.
const SECURITY_CODE =
  /(?<![A-Za-z])(?:cvv2?|cvc2?|csc|cid|security code)(?![A-Za-z])[ .:#=-]*(?:is[ :]*)?([0-9]{3,4})(?![0-9])/gi;
const EXPIRY =
  /(?<![A-Za-z])(?:exp(?:iry|ires|iration)?(?: date)?|valid (?:thru|through|till|until))(?![A-Za-z])[ .:=-]*(?:on[ :]*)?([0-9]{1,2} ?[/.-] ?[0-9]{2,4})(?![0-9])/gi;

/** Masks every digit of the code or date at the end of a keyword match. */
function maskTrailingDigits(match: string, value: string): string {
  const at = match.length - value.length;
  return match.slice(0, at) + value.replace(/[0-9]/g, MASK);
}

/** Keeps the last four digits, masks the rest, keeps the separators. */
function maskKeepingLastFour(candidate: string): string {
  let digitsLeft = onlyDigits(candidate).length;
  return [...candidate]
    .map((char) => {
      if (!/[0-9]/.test(char)) return char;
      digitsLeft -= 1;
      return digitsLeft < 4 ? char : MASK;
    })
    .join('');
}

/** The text with every valid card and identity number masked as chosen. */
export function maskNumbers(text: string, choice: MaskingChoice): string {
  let masked = text;
  if (choice.cards) {
    masked = masked.replace(CARD_CANDIDATE, (candidate) =>
      luhnValid(onlyDigits(candidate)) ? maskKeepingLastFour(candidate) : candidate,
    );
    masked = masked
      .replace(SECURITY_CODE, maskTrailingDigits)
      .replace(EXPIRY, maskTrailingDigits);
  }
  if (choice.identities) {
    for (const pattern of IDENTITY_NUMBERS) {
      masked = masked.replace(pattern.find, (candidate) =>
        pattern.valid(candidate)
          ? (pattern.mask ?? maskKeepingLastFour)(candidate)
          : candidate,
      );
    }
  }
  return masked;
}

// Identifiers Meta writes, never customer text: masking them would break
// lookups (a wamid, a phone number, a timestamp).
const IDENTIFIER_KEYS = new Set([
  'id',
  'from',
  'wa_id',
  'timestamp',
  'recipient_id',
  'mime_type',
  'sha256',
  'phone_number_id',
  'display_phone_number',
  'type',
  'message_id',
]);

/**
 * A raw JSON document with the customer's text in it masked, and profile
 * names dropped when asked, so the kept raw copy holds no more than the
 * message body. Invalid JSON is returned as it came.
 */
export function maskJson(
  json: string,
  choice: MaskingChoice,
  dropProfileNames: boolean,
): string {
  if (!choice.cards && !choice.identities && !dropProfileNames) return json;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return json;
  }
  const walk = (value: unknown, key: string | null): unknown => {
    if (typeof value === 'string') {
      return key !== null && IDENTIFIER_KEYS.has(key)
        ? value
        : maskNumbers(value, choice);
    }
    if (Array.isArray(value)) return value.map((item) => walk(item, key));
    if (typeof value === 'object' && value !== null) {
      // No prototype: a key named __proto__ from a webhook stays plain data.
      const out = Object.create(null) as Record<string, unknown>;
      for (const [k, v] of Object.entries(value)) {
        if (dropProfileNames && k === 'profile') continue;
        out[k] = walk(v, k);
      }
      return out;
    }
    return value;
  };
  return JSON.stringify(walk(parsed, null));
}
