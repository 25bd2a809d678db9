import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';
import { plural } from '../plural.ts';
import { CATEGORY_LABELS } from './labels.ts';

type Overview = Outputs['retention']['overview'];
type Category = keyof typeof CATEGORY_LABELS;

/** Sets one rule; the server refuses one below its legal floor and says why. */
export function RuleForm({ overview }: { overview: Overview }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [category, setCategory] = useState<Category>('conversations');
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.retention.overview.queryKey() });
  const save = useMutation(
    trpc.retention.setRule.mutationOptions({ onSettled: refresh }),
  );
  const run = useMutation(trpc.retention.run.mutationOptions({ onSettled: refresh }));
  const floor = overview.floors[category];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const template = data.get('noticeTemplateId');
    save.mutate({
      category,
      days: Number(data.get('days')),
      noticeTemplateId: typeof template === 'string' && template ? template : null,
    });
  }

  return (
    <>
      <form className="row wrap align-end" onSubmit={submit} data-testid="retention-form">
        <div className="field">
          <label htmlFor="retention-category">Data</label>
          <select
            id="retention-category"
            value={category}
            onChange={(e) => setCategory(e.target.value as Category)}
          >
            {Object.entries(CATEGORY_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <Field
          name="days"
          label="Keep for (days)"
          hint={floor ? `at least ${floor.days} days by law` : '1 or more'}
          type="number"
          min={1}
          step={1}
          required
        />
        {category === 'inactive_contacts' && (
          <div className="field">
            <label htmlFor="retention-notice">
              Notice template (sent 48 hours ahead)
            </label>
            <select id="retention-notice" name="noticeTemplateId">
              <option value="">Choose an approved template</option>
              {overview.noticeTemplates.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} ({t.language})
                </option>
              ))}
            </select>
          </div>
        )}
        <button type="submit" disabled={save.isPending}>
          Save rule
        </button>
        <button
          type="button"
          disabled={run.isPending}
          onClick={() => run.mutate({ dryRun: true })}
        >
          What would go now?
        </button>
      </form>
      {run.data && (
        <p role="status" data-testid="retention-dry-run">
          Now the rules would remove {plural(run.data.conversations, 'conversation')} and{' '}
          {plural(run.data.media, 'media file')}, and notify{' '}
          {plural(run.data.contactsNoticed, 'contact')}.
        </p>
      )}
      <ErrorNote error={save.error ?? run.error} testId="retention-error" />
    </>
  );
}
