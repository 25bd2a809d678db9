import type { FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';

/** Refetches what shows consent: the register and the open conversation. */
function useConsentChanged() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.consentRegister.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() }),
    ]);
}

/** Withdraws one purpose of one contact in a single step (OWNER and ADMIN). */
export function WithdrawButton(props: { contactId: string; purpose: string }) {
  const trpc = useTRPC();
  const changed = useConsentChanged();
  const withdraw = useMutation(
    trpc.consentRegister.withdraw.mutationOptions({ onSettled: changed }),
  );
  return (
    <>
      <button
        type="button"
        className="small"
        disabled={withdraw.isPending}
        onClick={() => withdraw.mutate(props)}
        data-testid="consent-withdraw"
      >
        Withdraw {props.purpose}
      </button>
      <ErrorNote error={withdraw.error} />
    </>
  );
}

/**
 * Records a contact's opt-in to a purpose, naming the published notice they
 * read (OWNER and ADMIN); the register refuses it without one.
 */
export function RecordOptInForm({ contactId }: { contactId: string }) {
  const trpc = useTRPC();
  const changed = useConsentChanged();
  const notices = useQuery(trpc.consentRegister.notices.queryOptions());
  const purposes = useQuery(trpc.consentRegister.purposes.queryOptions());
  const record = useMutation(
    trpc.consentRegister.recordOptIn.mutationOptions({ onSettled: changed }),
  );
  const choices = notices.data ?? [];
  if (choices.length === 0) {
    return (
      <p className="muted small" data-testid="consent-record-no-notice">
        Publish a notice on the Privacy page before recording an opt-in.
      </p>
    );
  }
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = data.get(name);
      return typeof value === 'string' ? value : '';
    };
    const [version = '', language = ''] = text('notice').split('|');
    record.mutate({
      contactId,
      purpose: text('purpose'),
      source: 'admin',
      noticeVersion: version,
      language,
    });
  }
  return (
    <form className="row wrap align-end" onSubmit={submit} data-testid="consent-record">
      <label>
        Purpose{' '}
        <select name="purpose" data-testid="consent-record-purpose">
          {(purposes.data ?? []).map((p) => (
            <option key={p.purpose}>{p.purpose}</option>
          ))}
        </select>
      </label>
      <label>
        Notice read{' '}
        <select name="notice" data-testid="consent-record-notice">
          {choices.map((n) => (
            <option
              key={`${n.version}|${n.language}`}
              value={`${n.version}|${n.language}`}
            >
              {n.version} ({n.language})
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={record.isPending} data-testid="consent-record-save">
        Record opt-in
      </button>
      <ErrorNote error={record.error} />
    </form>
  );
}
