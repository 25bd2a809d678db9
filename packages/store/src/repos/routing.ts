import type { Store } from '../store.ts';
import type { WhatsAppNumber } from '../types.ts';
import { toNumber, type NumberRow } from './numbers.ts';

/**
 * Lookups by Meta's identifiers, before any workspace is known. These are
 * system lookups: the two by outside identifier answer only "which row" or
 * "yes/no", never a workspace's content. `allNumbers` is the exception, and
 * only for the appliance itself: intake needs every number's wrapped app
 * secret to find which one signed a webhook, and the simulator needs the
 * credentials of simulated numbers. No API procedure reaches it.
 */
export class RoutingRepo {
  constructor(private readonly store: Store) {}

  /**
   * The row id of the number with Meta's `phone_number_id`, in any workspace.
   * Meta gives each phone number one id, so it may be connected only once;
   * saving settings uses this to refuse a second connection.
   */
  numberIdHolding(phoneNumberId: string): string | undefined {
    return this.store
      .statement('SELECT id FROM whatsapp_numbers WHERE phone_number_id = ?')
      .pluck()
      .get(phoneNumberId) as string | undefined;
  }

  allNumbers(): WhatsAppNumber[] {
    const rows = this.store
      .statement('SELECT * FROM whatsapp_numbers ORDER BY created_at')
      .all() as NumberRow[];
    return rows.map(toNumber);
  }

  /** True when some number's verify token has this hash (Meta's GET handshake). */
  isVerifyTokenHash(hash: string): boolean {
    return (
      this.store
        .statement('SELECT 1 FROM whatsapp_numbers WHERE verify_token_hash = ?')
        .get(hash) !== undefined
    );
  }
}
