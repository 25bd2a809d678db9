import type { AuditAction } from './actions.ts';
import type { AuditEventSpec } from './catalogue.ts';

type ComplianceAction = Extract<AuditAction, `breach.${string}` | `access_log.${string}`>;

/** The breach register and the access log of personal data (issue #8). */
export const COMPLIANCE_EVENTS: Readonly<Record<ComplianceAction, AuditEventSpec>> = {
  'breach.recorded': {
    area: 'Compliance',
    when: 'an OWNER or ADMIN logged a personal data breach in the register',
    scope: 'workspace',
    target: 'breach',
    details: 'awareAt',
  },
  'breach.duty_done': {
    area: 'Compliance',
    when: 'a notification duty of a breach (CERT-In, people, Board intimation, Board report, GDPR authority) was marked done',
    scope: 'workspace',
    target: 'breach',
    details: 'duty, doneAt, previousAt, previousReference, correction',
  },
  'breach.report_edited': {
    area: 'Compliance',
    when: "the pre-filled text of a breach's notifications was edited",
    scope: 'workspace',
    target: 'breach',
    details: 'fields',
  },
  'breach.affected_found': {
    area: 'Compliance',
    when: 'the contacts a breach affected were looked up in the access log',
    scope: 'workspace',
    target: 'breach',
    details: 'resolved, erased, erasedBefore',
  },
  'breach.report_exported': {
    area: 'Compliance',
    when: "a breach's report (Board, GDPR authority, CERT-In) was exported",
    scope: 'workspace',
    target: 'breach',
    details: '',
  },
  'breach.notices_exported': {
    area: 'Compliance',
    when: 'the notices to the people a breach affected were produced',
    scope: 'workspace',
    target: 'breach',
    details: 'notices',
  },
  'access_log.verified': {
    area: 'Compliance',
    when: "an OWNER or ADMIN checked the access log's hash chain",
    scope: 'workspace',
    target: null,
    details: 'ok, checked, brokenAt, problem',
  },
};
