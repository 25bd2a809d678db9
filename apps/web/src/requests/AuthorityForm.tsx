import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';
import { field, readForm } from '../forms/form-data.ts';

/** The supervisory authority a GDPR refusal names; DPDP has the Board by default. */
export function AuthorityForm({
  authorities,
}: {
  authorities: { GDPR: string | null; DPDP: string | null };
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const set = useMutation(
    trpc.requests.setAuthority.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.requests.pathKey() }),
    }),
  );
  return (
    <section className="card">
      <h2>Where people can complain</h2>
      <p className="small">
        GDPR:{' '}
        <strong>
          {authorities.GDPR ?? 'not set: GDPR refusals wait until you name it'}
        </strong>
        <br />
        DPDP: <strong>{authorities.DPDP}</strong>
      </p>
      <form
        className="stack"
        onSubmit={(event) => {
          const v = readForm(event);
          set.mutate({
            law: 'GDPR',
            name: field(v, 'authorityName'),
            contact: field(v, 'authorityContact'),
          });
        }}
      >
        <Field
          label="Your lead supervisory authority (GDPR)"
          name="authorityName"
          required
          minLength={2}
          maxLength={150}
        />
        <Field
          label="How people reach it: web address, e-mail or postal address"
          name="authorityContact"
          required
          maxLength={300}
        />
        <ErrorNote error={set.error} />
        <button type="submit" disabled={set.isPending}>
          Save
        </button>
      </form>
    </section>
  );
}
