import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { reasonOf, useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';

/**
 * Erases the contact everywhere, for a data-subject request. It cannot be
 * undone, even by a restore, so the admin types the contact's number to
 * confirm and gives the reason the audit log keeps.
 */
export function EraseContact(props: { contactId: string; waId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [reason, setReason] = useState('');
  const [acknowledged, setAcknowledged] = useState(false);
  const erase = useMutation(
    trpc.contacts.erase.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
        location.hash = '#/inbox';
      },
    }),
  );

  if (!open) {
    return (
      <button type="button" className="link-button" onClick={() => setOpen(true)}>
        Erase this contact…
      </button>
    );
  }
  const confirmed = typed.replace(/[\s+-]/g, '') === props.waId;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    erase.mutate({
      contactId: props.contactId,
      reason,
      acknowledgeOpenBreach: acknowledged,
    });
  };
  // The server names the open breach; the admin confirms before erasing anyway.
  const breachWarning = reasonOf(erase.error) === 'open_breach_affects_contact';
  return (
    <form className="confirm" role="alert" onSubmit={submit} data-testid="erase-contact">
      <p className="small">
        Erase this contact, all its messages, notes and files, on every storage provider?
        A restore of an older backup will not bring it back.
      </p>
      <label className="small">
        Type the number {props.waId} to confirm
        <input
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          data-testid="erase-contact-number"
        />
      </label>
      <label className="small">
        Reason (kept in the audit log after the contact is gone)
        <input
          value={reason}
          maxLength={500}
          onChange={(e) => setReason(e.target.value)}
          data-testid="erase-contact-reason"
        />
      </label>
      <p className="small muted" data-testid="erase-contact-reason-hint">
        Give a request number or the grounds, not the person: leave out names, e-mail
        addresses and phone numbers. Any that are typed are masked before the reason is
        kept.
      </p>
      {breachWarning && (
        <label className="small" data-testid="erase-contact-breach">
          <input
            type="checkbox"
            checked={acknowledged}
            onChange={(e) => setAcknowledged(e.target.checked)}
          />{' '}
          I know this person cannot be sent the breach notice once erased; erase anyway
        </label>
      )}
      <button
        type="submit"
        className="danger"
        disabled={
          !confirmed ||
          reason.trim() === '' ||
          (breachWarning && !acknowledged) ||
          erase.isPending
        }
        data-testid="confirm-erase-contact"
      >
        {erase.isPending ? 'Erasing…' : 'Erase'}
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Keep
      </button>
      <ErrorNote error={erase.error} />
    </form>
  );
}
