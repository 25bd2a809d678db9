import type { Store } from '../store.ts';
import { ContactCipher, columnAad } from '../contact-seal.ts';

/** A status report's columns that name its recipient, as they are stored. */
export interface StoredStatusRecipient {
  recipientId: string;
  recipientHash: string | null;
  rawJson: string;
}

/**
 * Seals a status report's recipient number and raw payload under the
 * recipient contact's key (issue 8): a snapshot must not keep an erased
 * customer's number in `message_statuses`. The contact is found by the
 * number's keyed hash, which is stored beside it so that an erasure finds
 * the report (`ContactErasureRepo.erase`). A report for a number that is no
 * contact here (sent from elsewhere), or written without a vault, is kept
 * as it came. Nothing reads these columns back but the erasure.
 */
export function sealStatusRecipient(
  store: Store,
  workspaceId: string,
  report: {
    numberId: string;
    waMessageId: string;
    status: string;
    recipientId: string;
    rawJson: string;
  },
): StoredStatusRecipient {
  const cipher = new ContactCipher(store.contactKeys, workspaceId);
  const hash = cipher.hashNumber(report.recipientId);
  const contactId =
    hash === undefined
      ? undefined
      : (store
          .statement('SELECT id FROM contacts WHERE workspace_id = ? AND wa_hash = ?')
          .pluck()
          .get(workspaceId, hash) as string | undefined);
  if (contactId === undefined) {
    return {
      recipientId: report.recipientId,
      recipientHash: hash ?? null,
      rawJson: report.rawJson,
    };
  }
  const row = `${report.waMessageId}:${report.numberId}:${report.status}`;
  return {
    recipientId: cipher.seal(
      contactId,
      report.recipientId,
      columnAad('message_statuses', row, 'recipient_id'),
    ),
    recipientHash: hash ?? null,
    rawJson: cipher.seal(
      contactId,
      report.rawJson,
      columnAad('message_statuses', row, 'raw_json'),
    ),
  };
}
