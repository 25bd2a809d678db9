import type { WebhookBody } from './webhook-builders.ts';

/**
 * The two account-level webhook fields the appliance acts on besides
 * `messages`, read from a change's untouched `value` and built for the
 * simulator and tests. Shapes:
 * https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/reference/user_preferences
 * https://developers.facebook.com/docs/whatsapp/business-management-api/webhooks/components (message_template_status_update)
 */

/** A customer's marketing stop or resume, from `user_preferences`. */
export interface UserPreference {
  waId: string;
  /** `marketing_messages`, or a category Meta adds later. */
  category: string;
  /** `stop` or `resume`, or a value Meta adds later. */
  value: string;
  detail: string | null;
  timestampMs: number;
}

/** An approval decision on a template, from `message_template_status_update`. */
export interface TemplateStatusUpdate {
  waTemplateId: string | null;
  name: string | null;
  language: string | null;
  /** Meta's event as sent: APPROVED, FLAGGED, PAUSED, REINSTATED, … (for display). */
  event: string;
  /** The status the event leaves the template in; null when it does not change it. */
  status: string | null;
  reason: string | null;
}

/**
 * What each documented event does to the template's status, which decides
 * whether it can be sent (only APPROVED can). Events are not statuses:
 * Meta sends FLAGGED (quality dropped, a disable date follows) while the
 * template is still approved, REINSTATED and UNARCHIVED when it is approved
 * again, LOCKED and UNLOCKED about editing only. Reference:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_status_update
 * An event not listed here is taken as the status it names, so a template
 * is refused rather than sent on an event the appliance cannot read; the
 * next sync restores Graph's status.
 */
export const TEMPLATE_EVENT_STATUS: Readonly<Record<string, string | null>> = {
  APPROVED: 'APPROVED',
  REINSTATED: 'APPROVED',
  UNARCHIVED: 'APPROVED',
  FLAGGED: null,
  LOCKED: null,
  UNLOCKED: null,
  PENDING: 'PENDING',
  IN_APPEAL: 'IN_APPEAL',
  REJECTED: 'REJECTED',
  PAUSED: 'PAUSED',
  DISABLED: 'DISABLED',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  ARCHIVED: 'ARCHIVED',
  PENDING_DELETION: 'PENDING_DELETION',
  DELETED: 'DELETED',
};

/** The status `event` leaves a template in; see `TEMPLATE_EVENT_STATUS`. */
export function templateStatusAfter(event: string): string | null {
  return Object.hasOwn(TEMPLATE_EVENT_STATUS, event)
    ? (TEMPLATE_EVENT_STATUS[event] ?? null)
    : event;
}

/** The preferences of a `user_preferences` value; malformed items are skipped. */
export function readUserPreferences(value: Record<string, unknown>): UserPreference[] {
  const list = value['user_preferences'];
  if (!Array.isArray(list)) return [];
  const out: UserPreference[] = [];
  for (const item of list as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const p = item as Record<string, unknown>;
    const seconds = Number(p['timestamp']);
    if (typeof p['wa_id'] !== 'string' || typeof p['value'] !== 'string') continue;
    out.push({
      waId: p['wa_id'],
      category: typeof p['category'] === 'string' ? p['category'] : '',
      value: p['value'],
      detail: typeof p['detail'] === 'string' ? p['detail'] : null,
      timestampMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0,
    });
  }
  return out;
}

/** The update of a `message_template_status_update` value, or null when unreadable. */
export function readTemplateStatusUpdate(
  value: Record<string, unknown>,
): TemplateStatusUpdate | null {
  const event = value['event'];
  if (typeof event !== 'string' || event.length === 0) return null;
  const id = value['message_template_id'];
  const text = (key: string): string | null =>
    typeof value[key] === 'string' ? value[key] : null;
  const reason = text('reason');
  return {
    waTemplateId: typeof id === 'number' || typeof id === 'string' ? String(id) : null,
    name: text('message_template_name'),
    language: text('message_template_language'),
    event,
    status: templateStatusAfter(event),
    reason: reason === 'NONE' ? null : reason,
  };
}

export interface PreferenceWebhookInput {
  wabaId?: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  waId: string;
  profileName?: string;
  value: 'stop' | 'resume';
  timestampSeconds?: number;
}

export function buildPreferenceWebhook(input: PreferenceWebhookInput): WebhookBody {
  const value = {
    messaging_product: 'whatsapp',
    metadata: {
      display_phone_number: input.displayPhoneNumber,
      phone_number_id: input.phoneNumberId,
    },
    contacts: [{ wa_id: input.waId, profile: { name: input.profileName ?? '' } }],
    user_preferences: [
      {
        wa_id: input.waId,
        detail:
          input.value === 'stop'
            ? 'User requested to stop marketing messages'
            : 'User requested to resume marketing messages',
        category: 'marketing_messages',
        value: input.value,
        timestamp: input.timestampSeconds ?? Math.floor(Date.now() / 1000),
      },
    ],
  };
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: input.wabaId ?? '0', changes: [{ field: 'user_preferences', value }] }],
  };
}

export interface TemplateStatusWebhookInput {
  wabaId: string;
  waTemplateId: string;
  name: string;
  language: string;
  /** Meta's event, e.g. APPROVED, PAUSED, FLAGGED. */
  status: string;
  reason?: string;
  /** `entry[].time`: when Meta decided, in seconds. */
  timeSeconds?: number;
}

export function buildTemplateStatusWebhook(
  input: TemplateStatusWebhookInput,
): WebhookBody {
  const value = {
    event: input.status,
    message_template_id: Number(input.waTemplateId) || input.waTemplateId,
    message_template_name: input.name,
    message_template_language: input.language,
    reason: input.reason ?? 'NONE',
  };
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: input.wabaId,
        time: input.timeSeconds ?? Math.floor(Date.now() / 1000),
        changes: [{ field: 'message_template_status_update', value }],
      },
    ],
  };
}
