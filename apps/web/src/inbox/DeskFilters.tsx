import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';

export type StatusChoice = 'any' | 'open' | 'pending' | 'resolved';

const STATUSES: { value: StatusChoice; label: string }[] = [
  { value: 'any', label: 'Any status' },
  { value: 'open', label: 'Open' },
  { value: 'pending', label: 'Pending' },
  { value: 'resolved', label: 'Resolved' },
];

/**
 * The status and number filters beside "all / mine / unassigned"; the
 * server combines them. The number choice shows only when there are several.
 */
export function DeskFilters(props: {
  status: StatusChoice;
  onStatus: (value: StatusChoice) => void;
  numberId: string;
  onNumber: (value: string) => void;
}) {
  const trpc = useTRPC();
  const numbers = useQuery(trpc.desk.numbers.queryOptions());
  return (
    <div className="desk-filters small">
      <label>
        Status{' '}
        <select
          value={props.status}
          onChange={(e) => props.onStatus(e.target.value as StatusChoice)}
          data-testid="status-filter"
        >
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      {(numbers.data?.length ?? 0) > 1 && (
        <label>
          Number{' '}
          <select
            value={props.numberId}
            onChange={(e) => props.onNumber(e.target.value)}
            data-testid="number-filter"
          >
            <option value="">Every number</option>
            {numbers.data?.map((n) => (
              <option key={n.id} value={n.id}>
                {n.displayPhoneNumber}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}
