import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';
import { field, readForm } from '../forms/form-data.ts';
import { useSignedIn } from './use-sign-in.ts';
import { AuthCard } from './AuthCard.tsx';
import { SecondFactorForm } from './SecondFactorForm.tsx';

/** Email and password; then, for members with two-factor on, the code. */
export function LoginScreen() {
  const trpc = useTRPC();
  const signedIn = useSignedIn();
  const [challenge, setChallenge] = useState<string | null>(null);
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: async ({ secondFactor }) => {
        if (secondFactor) setChallenge(secondFactor.challenge);
        else await signedIn();
      },
    }),
  );

  if (challenge) {
    return (
      <SecondFactorForm challenge={challenge} onRestart={() => setChallenge(null)} />
    );
  }
  return (
    <AuthCard testId="login-screen" title="Sign in">
      <form
        className="stack"
        onSubmit={(event) => {
          const v = readForm(event);
          login.mutate({ email: field(v, 'email'), password: field(v, 'password') });
        }}
      >
        <Field label="Email" name="email" type="email" required autoComplete="username" />
        <Field
          label="Password"
          name="password"
          type="password"
          required
          autoComplete="current-password"
        />
        <ErrorNote error={login.error} testId="login-error" />
        <button type="submit" className="primary" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="muted small">
        No account? Ask an owner or admin of your workspace for an invite link.
      </p>
    </AuthCard>
  );
}
