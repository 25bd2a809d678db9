/** Wraps secrets under the secrets key (never the database key). */
export interface SecretBox {
  wrap(plaintext: string, aad: string): Buffer;
  unwrapText(blob: Buffer, aad: string): string;
}

/** Where each secret of a number is bound, so a blob cannot be moved to another row. */
export const numberSecretAad = {
  accessToken: (numberId: string) => `whatsapp_numbers/${numberId}/access_token`,
  appSecret: (numberId: string) => `whatsapp_numbers/${numberId}/app_secret`,
  verifyToken: (numberId: string) => `whatsapp_numbers/${numberId}/verify_token`,
};
