import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';
import { field, readForm } from '../forms/form-data.ts';

const DURATIONS = [
  { minutes: 30, label: '30 minutes' },
  { minutes: 60, label: '1 hour' },
  { minutes: 120, label: '2 hours' },
  { minutes: 240, label: '4 hours' },
  { minutes: 480, label: '8 hours' },
  { minutes: 1440, label: '24 hours' },
];

/** Grants support access and shows the link once; only its hash is kept. */
export function GrantForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [link, setLink] = useState<string | null>(null);
  const grant = useMutation(
    trpc.support.grant.mutationOptions({
      onSuccess: async ({ credential }) => {
        setLink(`${location.origin}/#/support/${encodeURIComponent(credential)}`);
        await queryClient.invalidateQueries({ queryKey: trpc.support.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
      },
    }),
  );

  return (
    <section className="card">
      <h2>Grant support access</h2>
      <form
        className="stack"
        onSubmit={(event) => {
          const v = readForm(event);
          setLink(null);
          grant.mutate({
            name: field(v, 'name'),
            email: field(v, 'email') || null,
            reason: field(v, 'reason') || null,
            durationMinutes: Number(field(v, 'durationMinutes')),
          });
        }}
      >
        <Field label="Support person's name" name="name" required maxLength={80} />
        <Field label="Their email (optional)" name="email" type="email" />
        <Field label="Reason (optional)" name="reason" maxLength={200} />
        <div className="field">
          <label htmlFor="support-duration">For how long</label>
          <select id="support-duration" name="durationMinutes" defaultValue="60">
            {DURATIONS.map((d) => (
              <option key={d.minutes} value={d.minutes}>
                {d.label}
              </option>
            ))}
          </select>
        </div>
        <ErrorNote error={grant.error} testId="grant-support-error" />
        <button
          type="submit"
          className="primary"
          disabled={grant.isPending}
          data-testid="grant-support"
        >
          {grant.isPending ? 'Granting…' : 'Grant access'}
        </button>
      </form>
      {link && (
        <div className="stack" data-testid="support-link">
          <p>
            Send this link to the support person. It is shown only now, works once, and
            must be opened within 15 minutes.
          </p>
          <input
            readOnly
            value={link}
            aria-label="Support link"
            onFocus={(e) => e.currentTarget.select()}
            data-testid="support-link-value"
          />
        </div>
      )}
    </section>
  );
}
