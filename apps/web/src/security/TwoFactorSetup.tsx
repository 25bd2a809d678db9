import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';
import { field, readForm } from '../forms/form-data.ts';
import { QrCode } from './QrCode.tsx';

/** Scan, type one code back, and two-factor is on. */
export function TwoFactorSetup({ onEnabled }: { onEnabled: (codes: string[]) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const begin = useMutation(trpc.twoFactor.begin.mutationOptions());
  const confirm = useMutation(
    trpc.twoFactor.confirm.mutationOptions({
      onSuccess: async ({ recoveryCodes }) => {
        onEnabled(recoveryCodes);
        await queryClient.invalidateQueries();
      },
    }),
  );

  if (!begin.data) {
    return (
      <div className="stack">
        <p className="muted small">
          After your password, sign-in will also ask for a code from an authenticator app
          on your phone.
        </p>
        <ErrorNote error={begin.error} />
        <div>
          <button
            type="button"
            className="primary"
            onClick={() => begin.mutate()}
            disabled={begin.isPending}
            data-testid="two-factor-begin"
          >
            Set up two-factor sign-in
          </button>
        </div>
      </div>
    );
  }
  return (
    <form
      className="stack"
      onSubmit={(event) => confirm.mutate({ code: field(readForm(event), 'code') })}
    >
      <p>Scan this with your authenticator app, then type the code it shows.</p>
      <QrCode text={begin.data.uri} label="QR code for your authenticator app" />
      <p className="small">
        Or type this key into the app:{' '}
        <code data-testid="two-factor-secret">{begin.data.secret}</code>
      </p>
      <Field label="Code" name="code" required autoComplete="one-time-code" />
      <ErrorNote error={confirm.error} />
      <div>
        <button type="submit" className="primary" disabled={confirm.isPending}>
          Turn on
        </button>
      </div>
    </form>
  );
}
