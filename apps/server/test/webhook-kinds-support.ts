import { workspaceScope } from '@flowgento/store';
import {
  FIXTURE_CUSTOMER,
  webhookFixtures,
  type CloudApiSimulator,
  type WebhookFixture,
  type WebhookOrigin,
} from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import type { ApiClient } from './harness.ts';
import { opened } from './sealed.ts';

/** A workspace's simulated number, as the fixtures address it. */
export interface FixtureTarget {
  workspaceId: string;
  numberId: string;
  origin: Required<
    Pick<WebhookOrigin, 'phoneNumberId' | 'displayPhoneNumber' | 'wabaId'>
  >;
  fixtures: WebhookFixture[];
}

/** Connects the workspace of `owner` to the simulator, as its settings page does. */
export async function simulatedTarget(
  app: RunningAppliance,
  owner: ApiClient,
): Promise<FixtureTarget> {
  const view = await owner.mutate<{ id: string; phoneNumberId: string }>(
    'whatsapp.connectSimulator',
  );
  const number = app.appliance.store.routing
    .allNumbers()
    .find((candidate) => candidate.id === view.id)!;
  const origin = {
    phoneNumberId: number.phoneNumberId,
    displayPhoneNumber: number.displayPhoneNumber,
    wabaId: number.businessAccountId,
  };
  return {
    workspaceId: number.workspaceId,
    numberId: number.id,
    origin,
    fixtures: webhookFixtures(origin),
  };
}

/** Posts one fixture signed by the simulator; the HTTP status the appliance answered. */
export function post(
  simulator: CloudApiSimulator,
  target: FixtureTarget,
  fixture: WebhookFixture,
): Promise<number> {
  return simulator.postWebhook(target.origin.phoneNumberId, fixture.body);
}

/**
 * A business message to the fixture customer, stored as a send in flight
 * (`pending`) under a conversation of the target's number; `accept` then
 * records Meta's id for it, as the reply service does.
 */
export function outboundInFlight(app: RunningAppliance, target: FixtureTarget) {
  const store = app.appliance.store;
  const scoped = store.in(workspaceScope(target.workspaceId));
  const user = store.db.prepare('SELECT id FROM users LIMIT 1').pluck().get() as string;
  const contactId = store.transaction(() =>
    scoped.contacts.upsert(FIXTURE_CUSTOMER.from, FIXTURE_CUSTOMER.profileName),
  );
  const conversationId = store.transaction(() =>
    scoped.conversations.touchInbound(target.numberId, contactId, 1000),
  );
  return {
    scoped,
    send(waMessageId: string) {
      const id = store.transaction(() =>
        scoped.messages.insertOutbound({
          conversationId,
          body: `reply ${waMessageId}`,
          sentBy: user,
          rawJson: '{}',
        }),
      );
      return {
        id,
        accept: () =>
          store.transaction(() => scoped.messages.markAccepted(id, waMessageId)),
      };
    },
  };
}

/** A contact's number in SQL, opened (`opened_value`, registered below). */
const NUMBER = (c: string) =>
  `opened_value(${c}.id, 'contacts', ${c}.id, 'wa_id', ${c}.wa_id)`;
/** A status report's sealed column in SQL, under its recipient's key. */
const STATUS = (column: string) => `opened_value(
  (SELECT k.id FROM contacts k WHERE k.workspace_id = s.workspace_id
     AND k.wa_hash = s.recipient_hash),
  'message_statuses', s.wa_message_id || ':' || s.number_id || ':' || s.status,
  '${column}', s.${column})`;

/**
 * What a workspace holds of its webhooks, without row ids or arrival times
 * (they differ between two appliances by nature, as does a template's sync
 * time): what two replays must agree on.
 */
export function intakeState(app: RunningAppliance, workspaceId: string) {
  const store = app.appliance.store;
  const db = store.db;
  const rows = (sql: string) => db.prepare(sql).all(workspaceId);
  // Numbers and status reports are sealed too (migration 058): SQL opens them.
  db.function(
    'opened_value',
    (
      contactId: unknown,
      table: unknown,
      id: unknown,
      column: unknown,
      value: unknown,
    ) => {
      if (typeof value !== 'string' || typeof contactId !== 'string')
        return value ?? null;
      const where = { workspaceId, contactId, table: String(table), id: String(id) };
      return opened(store, where, String(column), value);
    },
  );
  // Sealed columns differ between appliances (own keys, random IVs): compare
  // what they hold.
  const open = (table: string, columns: string[]) => (row: unknown) => {
    const { _id, _contact, ...rest } = row as Record<string, unknown>;
    const where = { workspaceId, contactId: String(_contact), table, id: String(_id) };
    for (const column of columns)
      rest[column] = opened(store, where, column, rest[column]);
    return rest;
  };
  return {
    messages: rows(
      `SELECT m.id AS _id, v.contact_id AS _contact, m.wa_message_id, m.direction, m.type, m.body, m.raw_json, m.status,
         m.error_code, m.error_title, m.reply_to_wa_message_id, m.content_json,
         CASE m.direction WHEN 'inbound' THEN m.occurred_at END AS occurred_at,
         CASE WHEN m.status NOT IN ('pending', 'sent') THEN m.status_at END AS status_at,
         ${NUMBER('c')} AS contact
       FROM messages m JOIN conversations v ON v.id = m.conversation_id
       JOIN contacts c ON c.id = v.contact_id
       WHERE m.workspace_id = ? ORDER BY m.wa_message_id`,
    ).map(open('messages', ['body', 'raw_json', 'content_json'])),
    contacts: rows(
      `SELECT c.id AS _id, c.id AS _contact, ${NUMBER('c')} AS wa_id, c.profile_name,
         ${NUMBER('p')} AS previous
       FROM contacts c LEFT JOIN contacts p ON p.id = c.previous_contact_id
       WHERE c.workspace_id = ? ORDER BY 3`,
    ).map(open('contacts', ['profile_name'])),
    conversations: rows(
      `SELECT ${NUMBER('c')} AS wa_id, v.last_message_at, v.last_inbound_at, v.unread_count
       FROM conversations v JOIN contacts c ON c.id = v.contact_id
       WHERE v.workspace_id = ? ORDER BY 1`,
    ),
    statuses: rows(
      `SELECT wa_message_id, status, occurred_at,
         ${STATUS('recipient_id')} AS recipient_id, error_code, error_title,
         ${STATUS('raw_json')} AS raw_json FROM message_statuses s WHERE workspace_id = ?
       ORDER BY wa_message_id, status`,
    ),
    errors: rows(
      `SELECT code, title, message, raw_json FROM whatsapp_errors
       WHERE workspace_id = ? ORDER BY raw_json`,
    ),
    fields: rows(
      `SELECT field, opened_value(
         (SELECT k.id FROM contacts k WHERE k.workspace_id = e.workspace_id
            AND k.wa_hash = e.contact_hash),
         'webhook_events', e.id, 'raw_json', e.raw_json) AS raw_json
       FROM webhook_events e WHERE workspace_id = ? ORDER BY field, 2`,
    ),
    media: rows(
      `SELECT m.wa_message_id, f.wa_media_id, f.kind FROM media f
       JOIN messages m ON m.id = f.message_id
       WHERE f.workspace_id = ? ORDER BY m.wa_message_id`,
    ),
    consent: rows(
      `SELECT ${NUMBER('c')} AS wa_id, k.purpose, k.state, k.source, k.changed_at
       FROM contact_consent k JOIN contacts c ON c.id = k.contact_id
       WHERE k.workspace_id = ? ORDER BY 1, k.purpose`,
    ),
    consentHistory: rows(
      `SELECT ${NUMBER('c')} AS wa_id, e.purpose, e.state, e.source, e.detail, e.occurred_at
       FROM consent_events e JOIN contacts c ON c.id = e.contact_id
       WHERE e.workspace_id = ? ORDER BY 1, e.occurred_at, e.state, e.source`,
    ) as { state: string }[],
    templates: rows(
      `SELECT name, language, status, status_reason, last_event, last_event_at
       FROM message_templates WHERE workspace_id = ? ORDER BY name, language`,
    ),
    pendingTemplateUpdates: rows(
      `SELECT wa_template_id, name, language, event, status, occurred_at
       FROM template_status_pending WHERE workspace_id = ?
       ORDER BY occurred_at, event, name`,
    ),
  };
}

/** Fisher–Yates with a seeded generator, so a failing order can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
