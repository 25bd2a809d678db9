import type { Inputs } from '../api.ts';

/** The filters as the API takes them: times in milliseconds, both ends included. */
export type AuditFilters = Inputs['audit']['count'];
export type AuditAction = NonNullable<AuditFilters['action']>;

/** What the filter form holds: text as typed, days as `YYYY-MM-DD`. */
export interface AuditFilterForm {
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  fromDay: string;
  toDay: string;
}

export const NO_FILTERS: AuditFilterForm = {
  actor: '',
  action: '',
  targetType: '',
  targetId: '',
  fromDay: '',
  toDay: '',
};

/**
 * The form's filters for the API. Days are whole days in the browser's time
 * zone: from its first millisecond to its last. Blank fields filter nothing.
 */
export function filtersOf(
  form: AuditFilterForm,
  actions: readonly AuditAction[],
): AuditFilters {
  const text = (value: string) => value.trim() || undefined;
  return {
    actor: text(form.actor),
    action: actions.find((action) => action === form.action),
    targetType: text(form.targetType),
    targetId: text(form.targetId),
    from: form.fromDay ? localDay(form.fromDay) : undefined,
    to: form.toDay ? localDay(form.toDay, 1) - 1 : undefined,
  };
}

/** Local midnight of a `YYYY-MM-DD` day, `plusDays` later (a DST day included). */
function localDay(day: string, plusDays = 0): number {
  const [year = NaN, month = NaN, date = NaN] = day.split('-').map(Number);
  return new Date(year, month - 1, date + plusDays).getTime();
}

/** The download link of an export holding exactly what the page shows. */
export function exportHref(format: 'csv' | 'jsonl', filters: AuditFilters): string {
  const query = new URLSearchParams({ format });
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined) query.set(key, String(value));
  }
  return `/api/audit/export?${query.toString()}`;
}
