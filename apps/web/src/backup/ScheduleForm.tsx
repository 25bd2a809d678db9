import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';

type Schedule = Outputs['backup']['status']['schedule'];

// The labels are the ones the server's refusals use (SCHEDULE_FIELDS in
// packages/backup/src/schedule.ts): keep both in step.
const FIELDS = [
  [
    'changesDays',
    'Every change kept (days)',
    '1 to 90: any second in this window can be restored',
  ],
  [
    'dailyDays',
    'Daily points kept (days)',
    'at least as long as every change, up to 366',
  ],
  ['monthlyMonths', 'Monthly points kept (months)', '0 to 120'],
  ['snapshotHourUtc', 'Daily snapshot hour (UTC)', '0 to 23'],
] as const;

/** The retention schedule: editable by those who manage backups, shown to the rest. */
export function ScheduleForm({
  schedule,
  canManage,
}: {
  schedule: Schedule;
  canManage: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const save = useMutation(
    trpc.backup.setSchedule.mutationOptions({
      onSuccess: () => setSaved(true),
      onSettled: () =>
        queryClient.invalidateQueries({ queryKey: trpc.backup.status.queryKey() }),
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const data = new FormData(event.currentTarget);
    // An empty field goes as null, so the refusal says what it takes
    // instead of treating it as 0.
    const value = (name: string) => {
      const entry = data.get(name);
      const text = typeof entry === 'string' ? entry.trim() : '';
      return text === '' ? null : Number(text);
    };
    save.mutate({
      changesDays: value('changesDays'),
      dailyDays: value('dailyDays'),
      monthlyMonths: value('monthlyMonths'),
      snapshotHourUtc: value('snapshotHourUtc'),
    });
  }

  return (
    <section className="card" data-testid="backup-schedule">
      <h2>Retention schedule</h2>
      <p className="muted small" data-testid="backup-schedule-summary">
        Every change is kept {schedule.changesDays} days, a daily point{' '}
        {schedule.dailyDays} days and a monthly point {schedule.monthlyMonths} months; the
        daily snapshot is taken at {String(schedule.snapshotHourUtc).padStart(2, '0')}:00
        UTC.
      </p>
      {canManage && (
        // Keyed by the saved values, so the inputs show what the server kept.
        <form
          className="row wrap align-end"
          onSubmit={submit}
          key={JSON.stringify(schedule)}
        >
          {FIELDS.map(([name, label, hint]) => (
            <Field
              key={name}
              name={name}
              label={label}
              hint={hint}
              type="number"
              step={1}
              required
              defaultValue={schedule[name]}
            />
          ))}
          <button type="submit" disabled={save.isPending}>
            Save schedule
          </button>
        </form>
      )}
      {saved && !save.error && (
        <p className="muted small" role="status">
          Schedule saved.
        </p>
      )}
      <ErrorNote error={save.error} testId="backup-schedule-error" />
    </section>
  );
}
