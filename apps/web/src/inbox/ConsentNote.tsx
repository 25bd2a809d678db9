import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Me, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { fullTime } from '../format.ts';
import { can } from '../permissions.ts';

type Marketing = Outputs['inbox']['conversation']['marketing'];

const SOURCES: Record<NonNullable<Marketing>['source'], string> = {
  keyword: 'wrote a stop keyword',
  preference_webhook: 'chose it in WhatsApp',
  opted_out_error: 'reported by WhatsApp',
  agent: 'recorded by an agent',
};

/** Whether the customer takes marketing messages, why, and a way to record a change. */
export function ConsentNote(props: {
  conversationId: string;
  marketing: Marketing;
  me: Me;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const set = useMutation(
    trpc.consent.setMarketing.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.templates.pathKey() });
      },
    }),
  );
  const out = props.marketing?.state === 'opted_out';
  const next = out ? 'opted_in' : 'opted_out';
  return (
    <div
      className={out ? 'note consent' : 'consent muted small'}
      data-testid="consent-note"
    >
      <span data-testid="consent-state">
        {out && props.marketing
          ? `Opted out of marketing (${SOURCES[props.marketing.source]}, ${fullTime(props.marketing.changedAt)}): marketing templates are refused.`
          : 'Marketing messages allowed.'}
      </span>
      {can(props.me, 'messages.reply') && (
        <button
          type="button"
          className="link-button"
          disabled={set.isPending}
          onClick={() =>
            set.mutate({ conversationId: props.conversationId, state: next })
          }
          data-testid="consent-toggle"
        >
          {out ? 'Record opt-in' : 'Record opt-out'}
        </button>
      )}
      <ErrorNote error={set.error} />
    </div>
  );
}
