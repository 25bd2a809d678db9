import type { Store } from '../store.ts';
import type { WhatsAppNumber } from '../types.ts';
import { toNumber, type NumberRow } from './numbers.ts';

/**
 * Lookups by Meta's identifiers, before any workspace is known. Webhook
 * intake uses them to find which secrets may have signed a payload and which
 * workspace a `phone_number_id` belongs to; nothing here returns workspace
 * content.
 */
export class RoutingRepo {
  constructor(private readonly store: Store) {}

  numberByPhoneNumberId(phoneNumberId: string): WhatsAppNumber | undefined {
    const row = this.store
      .statement('SELECT * FROM whatsapp_numbers WHERE phone_number_id = ?')
      .get(phoneNumberId) as NumberRow | undefined;
    return row && toNumber(row);
  }

  allNumbers(): WhatsAppNumber[] {
    const rows = this.store
      .statement('SELECT * FROM whatsapp_numbers ORDER BY created_at')
      .all() as NumberRow[];
    return rows.map(toNumber);
  }

  numberByVerifyTokenHash(hash: string): WhatsAppNumber | undefined {
    const row = this.store
      .statement('SELECT * FROM whatsapp_numbers WHERE verify_token_hash = ?')
      .get(hash) as NumberRow | undefined;
    return row && toNumber(row);
  }
}
