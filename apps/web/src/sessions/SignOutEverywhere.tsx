import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { useSignedOut } from './use-signed-out.ts';

/** Ends every session of this member, this browser's included. */
export function SignOutEverywhere() {
  const trpc = useTRPC();
  const signedOut = useSignedOut();
  const revokeAll = useMutation(
    trpc.sessions.revokeAll.mutationOptions({ onSuccess: signedOut }),
  );

  return (
    <section className="card">
      <h2>Sign out everywhere</h2>
      <p className="muted small">
        Use this if a device was lost or someone else may know your password. You will
        need to sign in again here too.
      </p>
      <button
        type="button"
        className="danger"
        onClick={() => revokeAll.mutate()}
        disabled={revokeAll.isPending}
        data-testid="sign-out-everywhere"
      >
        Sign out everywhere
      </button>
      <ErrorNote error={revokeAll.error} />
    </section>
  );
}
