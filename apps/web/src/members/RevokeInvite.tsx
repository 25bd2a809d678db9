import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';

/** Withdraws a pending invite: its link stops working at once. */
export function RevokeInvite({ inviteId }: { inviteId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.members.revokeInvite.mutationOptions({
      onSettled: () =>
        queryClient.invalidateQueries({
          queryKey: trpc.members.pendingInvites.queryKey(),
        }),
    }),
  );
  return (
    <>
      <button
        type="button"
        disabled={revoke.isPending}
        onClick={() => revoke.mutate({ inviteId })}
        data-testid="revoke-invite"
      >
        {revoke.isPending ? 'Revoking…' : 'Revoke'}
      </button>
      <ErrorNote error={revoke.error} />
    </>
  );
}
