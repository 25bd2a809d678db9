import { field, readForm } from '../forms/form-data.ts';
import { Field } from '../forms/Field.tsx';
import { NO_FILTERS, type AuditAction, type AuditFilterForm } from './audit-filters.ts';

/**
 * Who, what, on what and when. Applied on submit, so typing does not query
 * the log at every key; "Clear" shows everything again.
 */
export function AuditFilterBar({
  applied,
  actions,
  onApply,
}: {
  applied: AuditFilterForm;
  actions: readonly AuditAction[];
  onApply: (filters: AuditFilterForm) => void;
}) {
  return (
    <form
      className="card audit-filters"
      aria-label="Filter the audit log"
      data-testid="audit-filters"
      // A new set of applied filters (Clear included) resets the fields.
      key={JSON.stringify(applied)}
      onSubmit={(event) => {
        const v = readForm(event);
        onApply({
          actor: field(v, 'actor'),
          action: field(v, 'action'),
          targetType: field(v, 'targetType'),
          targetId: field(v, 'targetId'),
          fromDay: field(v, 'fromDay'),
          toDay: field(v, 'toDay'),
        });
      }}
    >
      <Field
        label="Actor"
        name="actor"
        defaultValue={applied.actor}
        maxLength={254}
        placeholder="email, name or member id"
      />
      <div className="field">
        <label htmlFor="audit-action">Action</label>
        <select id="audit-action" name="action" defaultValue={applied.action}>
          <option value="">Any action</option>
          {actions.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </select>
      </div>
      <Field
        label="Target type"
        name="targetType"
        defaultValue={applied.targetType}
        maxLength={64}
        placeholder="e.g. user, invite, conversation"
      />
      <Field
        label="Target id"
        name="targetId"
        defaultValue={applied.targetId}
        maxLength={254}
      />
      <Field label="From" name="fromDay" type="date" defaultValue={applied.fromDay} />
      <Field label="To" name="toDay" type="date" defaultValue={applied.toDay} />
      <div className="row align-end">
        <button type="submit" className="primary" data-testid="apply-audit-filters">
          Apply filters
        </button>
        <button type="button" onClick={() => onApply(NO_FILTERS)}>
          Clear
        </button>
      </div>
    </form>
  );
}
