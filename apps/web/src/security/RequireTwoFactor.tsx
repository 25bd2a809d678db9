import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';

/** The OWNER's switch: OWNERs and ADMINs must sign in with a second factor. */
export function RequireTwoFactor() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.twoFactor.status.queryOptions());
  const set = useMutation(
    trpc.twoFactor.setRequired.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(),
    }),
  );
  if (!status.data) return null;
  const required = status.data.workspaceRequires;

  return (
    <section className="card">
      <h2>Workspace rule</h2>
      <label className="row">
        <input
          type="checkbox"
          checked={required}
          disabled={set.isPending}
          onChange={(event) => set.mutate({ required: event.currentTarget.checked })}
          data-testid="require-two-factor"
        />
        Owners and admins must use two-factor sign-in
      </label>
      <p className="muted small">
        Those without it can only set it up until they do. Agents are not affected.
      </p>
      <ErrorNote error={set.error} />
    </section>
  );
}
