import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { NewAccountFields } from '../forms/NewAccountFields.tsx';
import { field, readForm } from '../forms/form-data.ts';
import { useSignedIn } from './use-sign-in.ts';
import { AuthCard } from './AuthCard.tsx';

/** `#/invite/<code>`: joins the workspace as a new account or an existing one. */
export function InviteScreen({ code }: { code: string }) {
  const trpc = useTRPC();
  const signedIn = useSignedIn();
  const accept = useMutation(
    trpc.auth.acceptInvite.mutationOptions({ onSuccess: signedIn }),
  );

  return (
    <AuthCard
      testId="invite-screen"
      title="Join your team"
      intro="You were invited to a workspace on this appliance. If you already have an account here, use its email and password."
    >
      <form
        className="stack"
        onSubmit={(event) => {
          const v = readForm(event);
          accept.mutate({
            code,
            displayName: field(v, 'displayName'),
            email: field(v, 'email'),
            password: field(v, 'password'),
          });
        }}
      >
        <NewAccountFields />
        <ErrorNote error={accept.error} testId="invite-error" />
        <button type="submit" className="primary" disabled={accept.isPending || !code}>
          {accept.isPending ? 'Joining…' : 'Accept invite'}
        </button>
      </form>
      <p className="small">
        <a href="#/login">Back to sign in</a>
      </p>
    </AuthCard>
  );
}
