import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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
  admin: 'recorded by an admin',
  import: 'imported',
};

function stateText(marketing: Marketing): string {
  if (!marketing) {
    return 'No marketing opt-in on record: marketing templates are refused.';
  }
  const when = fullTime(marketing.changedAt);
  if (marketing.state === 'opted_out') {
    return `Opted out of marketing (${SOURCES[marketing.source]}, ${when}): marketing templates are refused.`;
  }
  const notice = marketing.noticeVersion
    ? `, notice ${marketing.noticeVersion} in ${marketing.language ?? '?'}`
    : '';
  return `Opted in to marketing (${SOURCES[marketing.source]}${notice}, ${when}).`;
}

/** Whether the customer takes marketing messages, why, and a way to record a change. */
export function ConsentNote(props: {
  conversationId: string;
  marketing: Marketing;
  me: Me;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const replies = can(props.me, 'messages.reply');
  const notices = useQuery({ ...trpc.consent.notices.queryOptions(), enabled: replies });
  const [notice, setNotice] = useState('');
  const set = useMutation(
    trpc.consent.setMarketing.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.templates.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.consentRegister.pathKey() });
      },
    }),
  );
  const optedIn = props.marketing?.state === 'opted_in';
  const choices = notices.data ?? [];
  const chosen =
    choices.find((n) => `${n.version}|${n.language}` === notice) ?? choices[0];
  return (
    <div
      className={optedIn ? 'consent muted small' : 'note consent'}
      data-testid="consent-note"
    >
      <span data-testid="consent-state">{stateText(props.marketing)}</span>
      {replies && optedIn && (
        <button
          type="button"
          className="link-button"
          disabled={set.isPending}
          onClick={() =>
            set.mutate({ conversationId: props.conversationId, state: 'opted_out' })
          }
          data-testid="consent-toggle"
        >
          Record opt-out
        </button>
      )}
      {replies && !optedIn && choices.length === 0 && (
        <span className="muted small" data-testid="consent-no-notice">
          {' '}
          To record an opt-in, an admin first publishes a consent notice (Privacy page).
        </span>
      )}
      {replies && !optedIn && chosen && (
        <span>
          {' '}
          <label>
            Notice read{' '}
            <select
              value={`${chosen.version}|${chosen.language}`}
              onChange={(e) => setNotice(e.target.value)}
              data-testid="consent-notice"
            >
              {choices.map((n) => (
                <option
                  key={`${n.version}|${n.language}`}
                  value={`${n.version}|${n.language}`}
                >
                  {n.version} ({n.language})
                </option>
              ))}
            </select>
          </label>{' '}
          <button
            type="button"
            className="link-button"
            disabled={set.isPending}
            onClick={() =>
              set.mutate({
                conversationId: props.conversationId,
                state: 'opted_in',
                notice: { version: chosen.version, language: chosen.language },
              })
            }
            data-testid="consent-toggle"
          >
            Record opt-in
          </button>
        </span>
      )}
      <ErrorNote error={set.error} />
    </div>
  );
}
