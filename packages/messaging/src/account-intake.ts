import type { ScopedStore, WhatsAppNumber } from '@flowgento/store';
import {
  readTemplateStatusUpdate,
  readUserPreferences,
  type WebhookBatch,
} from '@flowgento/whatsapp';
import { type effectiveKeywords, matchConsentKeyword } from './consent-keywords.ts';
import { customerResumes, customerStops } from './customer-consent.ts';
import type { FieldChange } from './intake-fields.ts';
import type { IntakeRecord } from './intake-records.ts';

/**
 * The webhook fields besides `messages` that change consent and templates:
 * one reader per field, turning a verified change into intake records, and
 * one writer per kind, run in the intake commit.
 *
 * - `user_preferences`: a customer stopped or resumed marketing messages in
 *   WhatsApp's own menu. Routed by phone_number_id like messages.
 * - `message_template_status_update`: Meta decided on a template. It names
 *   no phone number, only the business account (`entry[].id`), so it goes
 *   to every workspace with a number of that account under the signing app.
 */
type FieldReader = (
  batch: WebhookBatch,
  numbers: readonly WhatsAppNumber[],
) => IntakeRecord[];

/**
 * A Map, not an object literal: the key is webhook-supplied, and a field named
 * `constructor` or `__proto__` must find nothing rather than a built-in.
 */
export const ACCOUNT_FIELD_READERS: ReadonlyMap<string, FieldReader> = new Map<
  string,
  FieldReader
>([
  [
    'user_preferences',
    (batch, numbers) => {
      const number = numbers.find((n) => n.phoneNumberId === batch.phoneNumberId);
      if (!number) return [];
      const read = readUserPreferences(batch.rawValue);
      const preferences = read.filter((p) => p.timestampMs > 0);
      return [
        {
          ...emptyRecord(number, batch.field),
          preferences,
          rawValueJson: untimedRaw(batch, preferences.length < read.length),
        },
      ];
    },
  ],
  [
    'message_template_status_update',
    (batch, numbers) => {
      const update = readTemplateStatusUpdate(batch.rawValue);
      if (!update || batch.accountId === '') return [];
      const occurredAt = batch.entryTimeMs;
      const byWorkspace = new Map<string, WhatsAppNumber>();
      for (const n of numbers) {
        if (n.businessAccountId === batch.accountId && !byWorkspace.has(n.workspaceId)) {
          byWorkspace.set(n.workspaceId, n);
        }
      }
      return [...byWorkspace.values()].map((number) => ({
        ...emptyRecord(number, batch.field),
        templateUpdates:
          occurredAt === null
            ? []
            : [{ businessAccountId: batch.accountId, occurredAt, ...update }],
        rawValueJson: untimedRaw(batch, occurredAt === null),
      }));
    },
  ],
]);

/**
 * The value to keep raw when some of it carries no readable time: such a
 * change is not applied, since stamping it with its arrival would let every
 * redelivery add history and overturn a newer decision.
 */
function untimedRaw(batch: WebhookBatch, untimed: boolean): string | null {
  return untimed ? JSON.stringify(batch.rawValue) : null;
}

/** Keeps the value `untimedRaw` set aside, once per distinct value. */
function keepUntimed(scoped: ScopedStore, record: IntakeRecord): void {
  if (record.rawValueJson === null) return;
  scoped.webhookEvents.keep(record.numberId, record.field, record.rawValueJson);
}

function emptyRecord(number: WhatsAppNumber, field: string): IntakeRecord {
  return {
    workspaceId: number.workspaceId,
    numberId: number.id,
    field,
    rawValueJson: null,
    contacts: [],
    messages: [],
    statuses: [],
    errors: [],
  };
}

/** A text that is exactly a STOP or START keyword moves the contact's consent. */
export function storeConsentKeyword(
  scoped: ScopedStore,
  write: { contactId: string; numberId: string; text: string | null; occurredAt: number },
  keywords: () => ReturnType<typeof effectiveKeywords>,
): boolean {
  if (write.text === null || write.text.length > 80) return false;
  const match = matchConsentKeyword(write.text, keywords());
  if (!match) return false;
  const change = {
    contactId: write.contactId,
    purpose: 'marketing',
    source: 'keyword',
    numberId: write.numberId,
    detail: match.keyword,
    occurredAt: write.occurredAt,
  } as const;
  return match.kind === 'stop'
    ? customerStops(scoped, change)
    : customerResumes(scoped, change);
}

/** Marketing stop / resume from the preference webhook; returns the contacts that moved. */
export function storePreferences(
  scoped: ScopedStore,
  record: IntakeRecord,
  now: number,
): string[] {
  const moved: string[] = [];
  for (const p of record.preferences ?? []) {
    if (p.category !== 'marketing_messages') continue;
    if (p.value !== 'stop' && p.value !== 'resume') continue;
    if (!/^[0-9]{5,20}$/.test(p.waId) || p.timestampMs <= 0) continue;
    const contactId = scoped.contacts.upsert(p.waId, null);
    const change = {
      contactId,
      purpose: 'marketing',
      source: 'preference_webhook',
      numberId: record.numberId,
      detail: p.detail,
      // A future timestamp would outrank every later change.
      occurredAt: Math.min(p.timestampMs, now),
    } as const;
    const changed =
      p.value === 'stop'
        ? customerStops(scoped, change)
        : customerResumes(scoped, change);
    if (changed) moved.push(contactId);
  }
  return moved;
}

/** The `user_preferences` field's handler: consent moves, and browsers hear of it. */
export function storePreferencesChange({
  store,
  scoped,
  record,
  write,
}: FieldChange): void {
  keepUntimed(scoped, record);
  for (const contactId of storePreferences(scoped, record, store.clock.now())) {
    write.events.push({
      workspaceId: record.workspaceId,
      event: { type: 'consent.changed', contactId },
    });
  }
}

/** The `message_template_status_update` field's handler. */
export function storeTemplateChange({ store, scoped, record, write }: FieldChange): void {
  keepUntimed(scoped, record);
  if (storeTemplateUpdates(scoped, record, store.clock.now()) > 0) {
    write.events.push({
      workspaceId: record.workspaceId,
      event: { type: 'templates.changed' },
    });
  }
}

/**
 * Applies template decisions in the order Meta made them (`entry[].time`),
 * not the order they arrive in; returns how many templates changed. A
 * change without a time was kept raw instead (`untimedRaw`); one from the
 * future is capped at now, so a wrong clock cannot pin a status against
 * every later decision.
 */
export function storeTemplateUpdates(
  scoped: ScopedStore,
  record: IntakeRecord,
  now: number,
): number {
  let changed = 0;
  for (const { occurredAt, ...u } of record.templateUpdates ?? []) {
    if (occurredAt === null) continue;
    changed += scoped.templates.setStatus({
      ...u,
      occurredAt: Math.min(occurredAt, now),
    });
  }
  return changed;
}

/** Meta's "this customer stopped marketing messages" error code. */
export const OPTED_OUT_ERROR = 131050;

/**
 * A failed status with Meta's 131050: WhatsApp refused a marketing message
 * because the customer stopped marketing. Meta reports it this way, after
 * accepting the send, more often than in the send's own answer.
 */
export function storeOptedOutStatus(
  scoped: ScopedStore,
  numberId: string,
  status: { errorCode: number | null; recipientId: string; timestampMs: number },
  now: number,
): string | null {
  if (status.errorCode !== OPTED_OUT_ERROR) return null;
  if (!/^[0-9]{5,20}$/.test(status.recipientId)) return null;
  const contactId = scoped.contacts.upsert(status.recipientId, null);
  const moved = scoped.consent.record({
    contactId,
    purpose: 'marketing',
    state: 'opted_out',
    source: 'opted_out_error',
    numberId,
    detail: String(OPTED_OUT_ERROR),
    occurredAt: Math.min(status.timestampMs, now),
  });
  return moved ? contactId : null;
}
