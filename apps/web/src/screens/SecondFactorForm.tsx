import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';
import { field, readForm } from '../forms/form-data.ts';
import { useSignedIn } from './use-sign-in.ts';
import { AuthCard } from './AuthCard.tsx';

/** The code step of sign-in: the authenticator app's code, or a recovery code. */
export function SecondFactorForm({
  challenge,
  onRestart,
}: {
  challenge: string;
  onRestart: () => void;
}) {
  const trpc = useTRPC();
  const signedIn = useSignedIn();
  const verify = useMutation(
    trpc.auth.loginSecondFactor.mutationOptions({ onSuccess: signedIn }),
  );

  return (
    <AuthCard testId="second-factor-screen" title="Two-factor sign-in">
      <form
        className="stack"
        onSubmit={(event) => {
          verify.mutate({ challenge, code: field(readForm(event), 'code') });
        }}
      >
        <Field
          label="Code"
          name="code"
          required
          autoFocus
          autoComplete="one-time-code"
          inputMode="text"
          hint="The 6-digit code from your authenticator app, or one of your recovery codes."
        />
        <ErrorNote error={verify.error} testId="second-factor-error" />
        <button type="submit" className="primary" disabled={verify.isPending}>
          {verify.isPending ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <button type="button" className="link-button" onClick={onRestart}>
        Start again
      </button>
    </AuthCard>
  );
}
