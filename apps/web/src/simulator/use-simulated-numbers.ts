import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';

export interface NumberChoice {
  id: string;
  label: string;
}

/** The workspace's simulated numbers a simulated customer can write to. */
export function useSimulatedNumbers() {
  const trpc = useTRPC();
  const numbers = useQuery(trpc.simulator.numbers.queryOptions());
  const choices: NumberChoice[] = (numbers.data ?? []).map((n) => ({
    id: n.id,
    label: n.displayPhoneNumber,
  }));
  return { choices, loading: numbers.isPending };
}
