import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Me, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { can } from '../permissions.ts';

type Assignee = Outputs['inbox']['conversations'][number]['assignee'];

/**
 * Who answers this conversation. OWNER and ADMIN pick anyone from the team;
 * others take an unassigned conversation or give back their own.
 */
export function AssigneeControl(props: {
  me: Me;
  conversationId: string;
  assignee: Assignee;
}) {
  const { me, conversationId, assignee } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSettled = () =>
    queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
  const assign = useMutation(trpc.inbox.assign.mutationOptions({ onSettled }));
  const take = useMutation(trpc.inbox.take.mutationOptions({ onSettled }));
  const release = useMutation(trpc.inbox.release.mutationOptions({ onSettled }));
  const mayAssign = can(me, 'conversations.assign');
  const members = useQuery({ ...trpc.members.list.queryOptions(), enabled: mayAssign });
  const error = assign.error ?? take.error ?? release.error;
  const mine = assignee?.userId === me.userId;

  if (mayAssign) {
    return (
      <div className="assignee-control small">
        <label>
          Assigned to{' '}
          <select
            value={assignee?.userId ?? ''}
            disabled={assign.isPending || !members.data}
            onChange={(e) =>
              assign.mutate({ conversationId, assigneeId: e.target.value || null })
            }
            data-testid="assignee-select"
          >
            <option value="">Nobody</option>
            {(members.data ?? []).map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.userId === me.userId ? `${m.displayName} (you)` : m.displayName}
              </option>
            ))}
          </select>
        </label>
        <ErrorNote error={error ?? members.error} />
      </div>
    );
  }
  return (
    <div className="assignee-control small" data-testid="assignee">
      {assignee ? `Assigned to ${mine ? 'you' : assignee.displayName}` : 'Unassigned'}
      {!assignee && can(me, 'conversations.take') && (
        <button
          type="button"
          disabled={take.isPending}
          onClick={() => take.mutate({ conversationId })}
          data-testid="take-conversation"
        >
          Take
        </button>
      )}
      {mine && (
        <button
          type="button"
          disabled={release.isPending}
          onClick={() => release.mutate({ conversationId })}
          data-testid="release-conversation"
        >
          Give back
        </button>
      )}
      <ErrorNote error={error} />
    </div>
  );
}
