import type { ScopedStore, Store } from '@flowgento/store';
import type { IntakeRecord, IntakeWrite } from './intake-records.ts';
import { storePreferencesChange, storeTemplateChange } from './account-intake.ts';
import { storeMessagesChange } from './intake-messages.ts';

/** What a field's handler gets: one record, inside the commit's transaction. */
export interface FieldChange {
  store: Store;
  scoped: ScopedStore;
  record: IntakeRecord;
  /** Counts, live events and queued media to report once committed. */
  write: IntakeWrite;
}

export type FieldHandler = (change: FieldChange) => void;

/**
 * The handler of each subscribed webhook field (`changes[].field`). A field
 * not listed here is kept raw in `webhook_events`, so adding a handler later
 * loses nothing that arrived before it. The account-level fields are read
 * into records by `ACCOUNT_FIELD_READERS` (account-intake.ts). Handlers run
 * on the intake thread and must be idempotent: Meta delivers the same change
 * more than once. A Map, because the field name comes from the webhook: an
 * object would answer `constructor` with a built-in.
 */
export const FIELD_HANDLERS: ReadonlyMap<string, FieldHandler> = new Map<
  string,
  FieldHandler
>([
  ['messages', storeMessagesChange],
  ['user_preferences', storePreferencesChange],
  ['message_template_status_update', storeTemplateChange],
]);

/** Keeps a change no handler reads, once per distinct value. */
export function keepRawChange({ scoped, record }: FieldChange): void {
  if (record.rawValueJson === null) return;
  scoped.webhookEvents.keep(record.numberId, record.field, record.rawValueJson);
}
