import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';
import { field, readForm } from '../forms/form-data.ts';

type NumberView = Outputs['whatsapp']['numbers'][number];

/**
 * Adds or edits a number. Secrets are write-only: the form never holds the
 * stored value, and a blank field keeps it.
 */
export function NumberForm({
  number,
  onDone,
}: {
  number: NumberView | null;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const save = useMutation(
    trpc.whatsapp.save.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({
          queryKey: trpc.whatsapp.numbers.queryKey(),
        });
        onDone();
      },
    }),
  );
  const keep = number
    ? 'Leave blank to keep the stored one.'
    : 'Required for a new number.';
  const secret = (value: string) => value.trim() || undefined;

  return (
    <section className="card">
      <h2>{number ? `Edit ${number.displayPhoneNumber}` : 'Add a WhatsApp number'}</h2>
      <form
        className="stack"
        onSubmit={(event) => {
          const v = readForm(event);
          save.mutate({
            numberId: number?.id,
            phoneNumberId: field(v, 'phoneNumberId').trim(),
            businessAccountId: field(v, 'businessAccountId').trim(),
            displayPhoneNumber: field(v, 'displayPhoneNumber').trim(),
            accessToken: secret(field(v, 'accessToken')),
            appSecret: secret(field(v, 'appSecret')),
            verifyToken: secret(field(v, 'verifyToken')),
          });
        }}
      >
        <Field
          label="Phone number id"
          name="phoneNumberId"
          defaultValue={number?.phoneNumberId}
          required
          inputMode="numeric"
          hint="The numeric id from Meta's WhatsApp Manager."
        />
        <Field
          label="Business account id"
          name="businessAccountId"
          defaultValue={number?.businessAccountId}
          required
          inputMode="numeric"
        />
        <Field
          label="Display number"
          name="displayPhoneNumber"
          defaultValue={number?.displayPhoneNumber}
          required
          placeholder="+91 98765 43210"
        />
        <Field
          label="Access token"
          name="accessToken"
          type="password"
          autoComplete="off"
          required={!number}
          hint={number ? `Stored: ${number.accessTokenHint}. ${keep}` : keep}
        />
        <Field
          label="App secret"
          name="appSecret"
          type="password"
          autoComplete="off"
          required={!number}
          hint={`Checks the signature of every webhook. ${keep}`}
        />
        <Field
          label="Verify token"
          name="verifyToken"
          type="password"
          autoComplete="off"
          required={!number}
          hint={`Meta sends it once when you subscribe the webhook. ${keep}`}
        />
        <ErrorNote error={save.error} />
        <div className="row">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save number'}
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
