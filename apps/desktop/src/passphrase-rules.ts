/** The server's minimum (packages/crypto key-passphrase.ts), checked here first. */
export const PASSPHRASE_MIN_LENGTH = 12;

/** First run: the passphrase typed twice; a refusal names what is wrong. */
export function checkNewPassphrase(first: string, again: string): string | null {
  if ([...first.normalize('NFKC')].length < PASSPHRASE_MIN_LENGTH) {
    return `The passphrase must be at least ${PASSPHRASE_MIN_LENGTH} characters long.`;
  }
  if (first !== again) return 'The two passphrases differ; type the same one twice.';
  return null;
}
