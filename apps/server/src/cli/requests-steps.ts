import { AccessLog, AuditLog } from '@flowgento/audit';
import { AppError, DAY_MS } from '@flowgento/core';
import {
  accessActorOf,
  addMonths,
  authorityInSentence,
  GDPR_EXTENSION_MONTHS,
} from '@flowgento/messaging';
import type { Command } from './commands.ts';
import { requireText } from './context.ts';
import { say } from './output.ts';
import { day, withDesk, workspaceOption, type Values } from './requests-desk.ts';

/**
 * The steps the Requests page offers on an open request, from the command
 * line: verify identity, extend a GDPR deadline, refuse. Each goes through
 * the same desk as the page, so the same rules hold and the same audit
 * entries are written; a refused step changes nothing.
 */

const requestOption = {
  request: { type: 'string', help: 'the request id, from `requests list` (required)' },
} as const;

/** A flag's trimmed text, refused when empty or longer than `max`. */
function text(values: Values, flag: string, max: number): string {
  const value = requireText(values, flag).trim();
  if (value.length > max) {
    throw new AppError('INVALID_INPUT', `--${flag}: at most ${max} characters`);
  }
  return value;
}

/**
 * A calendar day (YYYY-MM-DD, UTC) as a time: noon, as the Requests page
 * takes it, moved inside `[notBefore, notAfter]` when either falls on that
 * day, so "told today" works in the morning and a request received in the
 * afternoon can be extended the same day.
 */
export function timeOn(
  values: Values,
  flag: string,
  bounds: { notBefore?: number; notAfter?: number },
): number {
  const value = requireText(values, flag).trim();
  const start = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? Date.parse(`${value}T00:00:00Z`)
    : NaN;
  if (Number.isNaN(start) || day(start) !== value) {
    throw new AppError('INVALID_INPUT', `--${flag}: give a date as YYYY-MM-DD`);
  }
  const end = start + DAY_MS - 1;
  let at = start + DAY_MS / 2;
  const { notBefore, notAfter } = bounds;
  if (notBefore !== undefined && notBefore >= start && notBefore <= end) {
    at = Math.max(at, notBefore);
  }
  if (notAfter !== undefined && notAfter >= start && notAfter <= end) {
    at = Math.min(at, notAfter);
  }
  return at;
}

export const verify: Command = {
  summary: "Record how the requester's identity was checked, and which contact they are",
  details: [
    'Links the request to the contact with this WhatsApp number, as the Requests',
    "page's Verify does; an access or erasure request can then be fulfilled.",
    'Recorded as request.verified (method and contact), and in the access log as',
    'a search for that contact.',
  ],
  options: {
    ...requestOption,
    method: { type: 'string', help: 'how identity was checked, e.g. "OTP" (required)' },
    number: { type: 'string', help: "the contact's WhatsApp number, digits (required)" },
    ...workspaceOption,
  },
  run: (values) =>
    withDesk(values, ({ desk, acting, appliance, logger }) => {
      const requestId = text(values, 'request', 64);
      const method = text(values, 'method', 200);
      const number = requireText(values, 'number').replace(/[\s+().-]/g, '');
      if (!/^\d{6,20}$/.test(number)) {
        throw new AppError('INVALID_INPUT', '--number: digits only, 6 to 20 of them');
      }
      const contact = desk.findContact(acting.scope, number);
      if (!contact) {
        throw new AppError('NOT_FOUND', 'No contact has this WhatsApp number', {
          details: { field: 'number' },
        });
      }
      desk.verify(acting, requestId, { method, contactId: contact.id });
      // Logged once the step holds, so a refused one leaves no trace.
      const { store, keyRing } = appliance;
      const accessLog = new AccessLog(store, keyRing, new AuditLog(store), logger);
      accessLog.recordNow(acting.scope, {
        actor: accessActorOf(acting.actor),
        action: 'search',
        via: 'cli.requests.verify',
        contactIds: [contact.id],
      });
      say(`Verified request ${requestId} (${method}); linked to contact ${contact.id}`);
      return 0;
    }),
};

export const extend: Command = {
  summary: 'Extend a GDPR request by up to two months (told within the first month)',
  details: [
    'GDPR Art. 12(3): once, only if the requester was told of the extension and',
    'why within one month of receipt, and to at most three months from receipt.',
    'Dates are calendar days (UTC). Recorded as request.extended.',
  ],
  options: {
    ...requestOption,
    'told-on': {
      type: 'string',
      help: 'the day the requester was told, YYYY-MM-DD (required)',
    },
    until: { type: 'string', help: 'the new deadline, YYYY-MM-DD (required)' },
    reason: { type: 'string', help: 'why more time is needed (required)' },
    ...workspaceOption,
  },
  run: (values) =>
    withDesk(values, ({ desk, acting, appliance }) => {
      const requestId = text(values, 'request', 64);
      const reason = text(values, 'reason', 1000);
      const request = appliance.store.in(acting.scope).dataRequests.get(requestId);
      const received = request?.receivedAt;
      const toldAt = timeOn(values, 'told-on', {
        notBefore: received,
        notAfter: Date.now(),
      });
      const until = timeOn(values, 'until', {
        notAfter:
          received === undefined
            ? undefined
            : addMonths(received, 1 + GDPR_EXTENSION_MONTHS),
      });
      desk.extend(acting, requestId, { toldAt, until, reason });
      say(`Extended request ${requestId}; now due ${day(until)}`);
      return 0;
    }),
};

export const refuse: Command = {
  summary: 'Refuse a request, with the reason and the authority to complain to',
  details: [
    'Closes the request as refused. DPDP names the Data Protection Board of',
    'India unless the workspace named another authority; a GDPR refusal is',
    'refused until the lead supervisory authority is named on the Requests page.',
    'Prints the notice to send the person. Recorded as request.refused.',
  ],
  options: {
    ...requestOption,
    reason: { type: 'string', help: 'why the request is refused (required)' },
    ...workspaceOption,
  },
  run: (values) =>
    withDesk(values, ({ desk, acting }) => {
      const requestId = text(values, 'request', 64);
      const reason = text(values, 'reason', 2000);
      const { authority, notice } = desk.refuse(acting, requestId, reason);
      say(
        `Refused request ${requestId}; the person can complain to ${authorityInSentence(authority)}.`,
      );
      say('');
      say('Notice to send the person:');
      say(notice);
      return 0;
    }),
};
