import { AppError } from '@flowgento/core';
import {
  RETENTION_CATEGORIES,
  type MessageTemplate,
  type RetentionCategory,
  type ScopedStore,
} from '@flowgento/store';
import { readTemplateShape } from '../template-parameters.ts';

/** The longest a rule may keep anything: a hundred years. */
export const MAX_RETENTION_DAYS = 36_500;
/** How long before an inactivity purge the contact is told. */
export const PURGE_NOTICE_MS = 48 * 60 * 60 * 1000;

/** A minimum the law sets, and the law that sets it. */
export interface LegalFloor {
  days: number;
  law: string;
  /** The category as the Retention page names it. */
  label: string;
}

/**
 * Categories a rule may not cut below a legal minimum. Logs of processing:
 * India's DPDP Rules, 2025 (rule 6, reasonable security safeguards) keep
 * them for a year. Security logs (sign-ins, refusals, the access log of
 * personal data): the CERT-In Directions of 28 April 2022 keep them for
 * 180 days.
 */
export const LEGAL_FLOORS: Readonly<Partial<Record<RetentionCategory, LegalFloor>>> = {
  audit_log: {
    label: 'Audit log',
    days: 365,
    law: 'the DPDP Rules, 2025 (rule 6: logs of processing kept at least one year)',
  },
  security_log: {
    label: 'Security logs',
    days: 180,
    law: 'the CERT-In Directions of 28 April 2022 (security logs kept 180 days)',
  },
};

/** What a member asks for, before it is checked. */
export interface RuleInput {
  category: string;
  days: number;
  noticeTemplateId?: string | null;
}

export interface CheckedRule {
  category: RetentionCategory;
  days: number;
  noticeTemplateId: string | null;
}

/**
 * Checks a rule against the categories, the legal floors and, for the
 * inactivity purge, the approved template its notice is sent with. Throws
 * an `INVALID_INPUT` or `PRECONDITION_FAILED` AppError naming the field.
 */
export function checkRule(scoped: ScopedStore, input: RuleInput): CheckedRule {
  const category = RETENTION_CATEGORIES.find((c) => c === input.category);
  if (!category) {
    throw new AppError('INVALID_INPUT', `Unknown data category ${input.category}`, {
      reason: 'retention_category_unknown',
      details: { field: 'category' },
    });
  }
  const { days } = input;
  if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new AppError(
      'INVALID_INPUT',
      `Keep data a whole number of days from 1 to ${MAX_RETENTION_DAYS}`,
      { reason: 'retention_days_out_of_range', details: { field: 'days' } },
    );
  }
  const floor = LEGAL_FLOORS[category];
  // A rule of the law, not a malformed field: refused and audited as
  // `rule.refused` naming `retention_below_legal_floor`.
  if (floor && days < floor.days) {
    throw new AppError(
      'RULE_REFUSED',
      `${floor.label} must be kept at least ${floor.days} days: ${floor.law}`,
      {
        reason: 'retention_below_legal_floor',
        details: { field: 'days', floorDays: floor.days, law: floor.law },
      },
    );
  }
  const noticeTemplateId =
    category === 'inactive_contacts'
      ? approvedTemplate(scoped, input.noticeTemplateId)
      : null;
  return { category, days, noticeTemplateId };
}

/** Templates an inactivity notice may use, for the Retention page to offer. */
export function noticeTemplates(
  scoped: ScopedStore,
): { id: string; name: string; language: string }[] {
  return scoped.templates
    .list()
    .filter((t) => noticeRefusal(t) === null)
    .map(({ id, name, language }) => ({ id, name, language }));
}

function noticeRefusal(template: MessageTemplate): string | null {
  const shape = readTemplateShape(JSON.parse(template.componentsJson) as unknown[]);
  if (template.status !== 'APPROVED') return 'not approved';
  if (template.category === 'MARKETING') return 'marketing';
  if (shape.variables.length > 0) return 'has variables';
  return shape.unsupported;
}

/**
 * The notice is sent unattended, so its template must be approved, not
 * marketing (it needs no consent) and without variables to fill.
 */
function approvedTemplate(scoped: ScopedStore, id: string | null | undefined): string {
  const template = id ? scoped.templates.get(id) : undefined;
  if (!template || noticeRefusal(template) !== null) {
    throw new AppError(
      'RULE_REFUSED',
      'An inactivity purge needs an approved, non-marketing template without variables to warn the contact 48 hours ahead',
      {
        reason: 'retention_notice_template_missing',
        details: { field: 'noticeTemplateId' },
      },
    );
  }
  return template.id;
}
