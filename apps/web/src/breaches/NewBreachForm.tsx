import type { FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';
import { textOf } from './form-text.ts';

/** A local date-time input's value as epoch milliseconds; null when empty. */
function timeOf(text: FormDataEntryValue | null): number | null {
  return typeof text === 'string' && text ? new Date(text).getTime() : null;
}

/** Logs an incident; the clocks start from the time of awareness, which may be past. */
export function NewBreachForm({ onRecorded }: { onRecorded: (id: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const record = useMutation(
    trpc.breaches.record.mutationOptions({
      onSuccess: ({ id }) => {
        void queryClient.invalidateQueries({ queryKey: trpc.breaches.list.queryKey() });
        onRecorded(id);
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => textOf(data.get(name));
    record.mutate({
      title: text('title'),
      awareAt: timeOf(data.get('awareAt')) ?? Date.now(),
      occurredAt: timeOf(data.get('occurredAt')),
      nature: text('nature'),
      categories: text('categories'),
      systems: text('systems'),
      measures: text('measures'),
      contactPoint: text('contactPoint'),
      peopleTargetHours: Number(text('peopleTargetHours')) || undefined,
    });
  }

  return (
    <section className="card" data-testid="new-breach">
      <h2>Log a breach</h2>
      <form className="stack" onSubmit={submit}>
        <Field label="Title" name="title" required maxLength={200} />
        <Field
          label="Became aware at"
          name="awareAt"
          type="datetime-local"
          hint="Leave empty for now. Every clock runs from this moment."
        />
        <Field label="Occurred at (if known)" name="occurredAt" type="datetime-local" />
        <Field label="What happened (nature)" name="nature" required maxLength={4000} />
        <Field label="Categories of data" name="categories" maxLength={2000} />
        <Field label="Systems involved" name="systems" maxLength={2000} />
        <Field label="Measures taken" name="measures" maxLength={4000} />
        <Field
          label="Contact point for questions"
          name="contactPoint"
          required
          maxLength={500}
        />
        <Field
          label="Target for telling the people affected (hours)"
          name="peopleTargetHours"
          type="number"
          min={1}
          max={720}
          defaultValue={72}
          hint="The law says “without delay” and sets no hours: 72 is this appliance's default."
        />
        <ErrorNote error={record.error} />
        <button type="submit" disabled={record.isPending}>
          Log breach
        </button>
      </form>
    </section>
  );
}
