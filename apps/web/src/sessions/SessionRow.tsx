import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { fullTime } from '../format.ts';
import { useSignedOut } from './use-signed-out.ts';

type Session = Outputs['sessions']['list'][number];

export function SessionRow({ session }: { session: Session }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const signedOut = useSignedOut();
  const revoke = useMutation(
    trpc.sessions.revoke.mutationOptions({
      onSuccess: async ({ current }) => {
        if (current) return signedOut();
        await queryClient.invalidateQueries({ queryKey: trpc.sessions.pathKey() });
      },
    }),
  );

  return (
    <tr data-testid="session-row" data-current={session.current || undefined}>
      <td>
        {session.device}
        {session.current && <span className="muted"> (this browser)</span>}
      </td>
      <td>{session.ip ?? 'unknown'}</td>
      <td>{fullTime(session.createdAt)}</td>
      <td>{fullTime(session.lastUsedAt)}</td>
      <td>
        <button
          type="button"
          onClick={() => revoke.mutate({ sessionId: session.id })}
          disabled={revoke.isPending}
          data-testid="revoke-session"
        >
          {session.current ? 'Sign out here' : 'Revoke'}
        </button>
        <ErrorNote error={revoke.error} />
      </td>
    </tr>
  );
}
