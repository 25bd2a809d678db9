import { AppError } from '@flowgento/core';
import type { ConsentRecord, MessageTemplate, ScopedStore } from '@flowgento/store';
import { serviceWindowOpen } from './service-window.ts';

/**
 * The rules a send must pass, checked when the agent sends and again when
 * the outbound queue actually sends (a retry may come after the window
 * closed or after the customer wrote STOP). Each refusal is typed, with a
 * reason code the UI and the log name, and costs no network call.
 */

export function windowRefusal(
  lastInboundAt: number | null,
  now: number,
): AppError | null {
  if (serviceWindowOpen(lastInboundAt, now)) return null;
  return new AppError(
    'RULE_REFUSED',
    'The 24-hour service window is closed: the customer last wrote more than 24 hours ' +
      'ago, so only an approved template can be sent now.',
    { reason: 'service_window_closed' },
  );
}

/**
 * Refuses a marketing template unless the contact's marketing consent is
 * active (issue #8, part 5): a withdrawal refuses it, and so does no
 * recorded opt-in at all. Other categories need no consent.
 */
export function consentRefusal(
  scoped: ScopedStore,
  contactId: string,
  category: string,
): AppError | null {
  if (category.toUpperCase() !== 'MARKETING') return null;
  const consent = scoped.consent.get(contactId, 'marketing');
  if (consent?.state === 'opted_in') return null;
  if (consent === undefined) {
    return new AppError(
      'RULE_REFUSED',
      'This customer has no marketing opt-in on record, so marketing templates are ' +
        'refused. Record their opt-in (with the notice they saw) first; service replies ' +
        'and utility templates still go out.',
      { reason: 'contact_no_marketing_consent' },
    );
  }
  return new AppError(
    'RULE_REFUSED',
    `This customer stopped marketing messages (${consentSourceText(consent)}); ` +
      'marketing templates are refused. Service replies and utility templates still go out.',
    { reason: 'contact_opted_out_marketing', details: { source: consent.source } },
  );
}

/** How a withdrawal came about, in words for an agent. */
export function consentSourceText(consent: Pick<ConsentRecord, 'source'>): string {
  switch (consent.source) {
    case 'keyword':
      return 'they wrote a stop keyword';
    case 'preference_webhook':
      return 'they chose it in WhatsApp';
    case 'opted_out_error':
      return 'WhatsApp refused a marketing message to them';
    case 'agent':
      return 'an agent recorded it';
    case 'admin':
      return 'an admin recorded it';
    case 'import':
      return 'it came with an import';
  }
}

/** Only approved templates go out; the ones the appliance cannot fill, neither. */
export function templateRefusal(
  template: Pick<MessageTemplate, 'status' | 'name'>,
  unsupported: string | null,
): AppError | null {
  if (template.status !== 'APPROVED') {
    return new AppError(
      'RULE_REFUSED',
      `The template ${template.name} is ${template.status.toLowerCase()}, not approved; ` +
        'only templates Meta approved can be sent.',
      { reason: 'template_not_approved', details: { status: template.status } },
    );
  }
  if (unsupported !== null) {
    return new AppError(
      'RULE_REFUSED',
      `The template ${template.name} cannot be sent from here: ${unsupported}.`,
      { reason: 'template_unsupported' },
    );
  }
  return null;
}

/** The legacy all-messages opt-out on the contact row (set before consent records). */
export function contactOptOutRefusal(optedOutAt: number | null): AppError | null {
  if (optedOutAt === null) return null;
  return new AppError('RULE_REFUSED', 'This contact has opted out of messages', {
    reason: 'contact_opted_out',
  });
}
