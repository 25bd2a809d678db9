/** The server's minimum (packages/crypto key-passphrase.ts), checked here first. */
export const PASSPHRASE_MIN_LENGTH = 12;

/**
 * The server's maximum for a handed-over passphrase (its key-handoff schema,
 * which counts code points). Checked here, before
 * key-storage.json is written, so a long one is refused on the page rather
 * than by a server that then never starts.
 */
export const PASSPHRASE_MAX_LENGTH = 1024;

/** First run: the passphrase typed twice; a refusal names what is wrong. */
export function checkNewPassphrase(first: string, again: string): string | null {
  if ([...first.normalize('NFKC')].length < PASSPHRASE_MIN_LENGTH) {
    return `The passphrase must be at least ${PASSPHRASE_MIN_LENGTH} characters long.`;
  }
  if ([...first].length > PASSPHRASE_MAX_LENGTH) {
    return `The passphrase must be at most ${PASSPHRASE_MAX_LENGTH} characters long.`;
  }
  if (first !== again) return 'The two passphrases differ; type the same one twice.';
  return null;
}
