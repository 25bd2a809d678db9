import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import type { CustomerIdentity } from './CustomerMediaForm.tsx';

/**
 * The customer stops or resumes marketing messages in WhatsApp's own menu,
 * which reaches the appliance as a `user_preferences` webhook.
 */
export function CustomerPreferenceButtons({
  customer,
}: {
  customer: CustomerIdentity | null;
}) {
  const trpc = useTRPC();
  const set = useMutation(trpc.simulator.customerPreference.mutationOptions());
  const press = (value: 'stop' | 'resume') => {
    if (customer) set.mutate({ numberId: customer.numberId, from: customer.from, value });
  };
  return (
    <div className="stack">
      <div className="row wrap">
        <span className="small muted">In WhatsApp’s menu:</span>
        <button
          type="button"
          disabled={!customer || set.isPending}
          onClick={() => press('stop')}
          data-testid="sim-stop-marketing"
        >
          Stop marketing
        </button>
        <button
          type="button"
          disabled={!customer || set.isPending}
          onClick={() => press('resume')}
          data-testid="sim-resume-marketing"
        >
          Resume marketing
        </button>
      </div>
      <ErrorNote error={set.error} testId="sim-preference-error" />
    </div>
  );
}
