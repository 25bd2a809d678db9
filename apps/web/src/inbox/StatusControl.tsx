import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';

type Status = Outputs['inbox']['conversations'][number]['status'];

/** Open, pending or resolved: where the conversation stands on the desk. */
export function StatusControl(props: { conversationId: string; status: Status }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const setStatus = useMutation(
    trpc.desk.setStatus.mutationOptions({
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.desk.pathKey() }),
        ]),
    }),
  );
  return (
    <div className="assignee-control small">
      <label>
        Status{' '}
        <select
          value={props.status}
          disabled={setStatus.isPending}
          onChange={(e) =>
            setStatus.mutate({
              conversationId: props.conversationId,
              status: e.target.value as Status,
            })
          }
          data-testid="status-select"
        >
          <option value="open">Open</option>
          <option value="pending">Pending</option>
          <option value="resolved">Resolved</option>
        </select>
      </label>
      <ErrorNote error={setStatus.error} />
    </div>
  );
}
