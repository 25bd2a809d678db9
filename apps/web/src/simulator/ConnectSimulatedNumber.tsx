import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';

/** One click to a number that lives in the simulator instead of at Meta. */
export function ConnectSimulatedNumber() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const connect = useMutation(
    trpc.whatsapp.connectSimulator.mutationOptions({
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.whatsapp.numbers.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.simulator.numbers.queryKey() }),
        ]),
    }),
  );
  return (
    <div className="stack">
      <p className="small">This workspace has no simulated number yet.</p>
      <button
        type="button"
        onClick={() => connect.mutate()}
        disabled={connect.isPending}
        data-testid="connect-simulator"
      >
        {connect.isPending ? 'Connecting…' : 'Connect a simulated number'}
      </button>
      <ErrorNote error={connect.error} />
    </div>
  );
}
