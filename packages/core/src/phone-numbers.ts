/**
 * Numbers as people and Meta's messages write them: digits with spaces,
 * dashes, dots or brackets between groups (`+55 11 90000-0004`). A match
 * may hold two numbers written side by side; callers check its digits.
 */
export const PHONE_LIKE = /\+?\d[\d\s().-]{5,}\d/g;

/** E.164 numbers have at most 15 digits; none shorter than 7 is a WhatsApp number. */
export const NUMBER_DIGITS = { min: 7, max: 15 } as const;
