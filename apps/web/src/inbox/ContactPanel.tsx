import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Me } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { can } from '../permissions.ts';
import { ContactConsent, PrivacyContacts } from '../privacy/ContactConsent.tsx';
import { hrefOf } from '../routing.ts';
import { contactName, contactNumber } from './contact.ts';
import { EraseContact } from './EraseContact.tsx';

const dateTime = (at: number | null) =>
  at === null ? '—' : new Date(at).toLocaleString();

/**
 * Who the customer is to the team: first and last contact, their
 * conversations on every number, and internal notes. Notes are shown as
 * text and never sent to the customer.
 */
export function ContactPanel(props: {
  conversationId: string;
  mayWrite: boolean;
  me: Me;
  mayErase?: boolean;
}) {
  const trpc = useTRPC();
  const profile = useQuery(
    trpc.desk.contact.queryOptions({ conversationId: props.conversationId }),
  );
  if (profile.isPending) return <aside className="contact-panel muted">Loading…</aside>;
  if (profile.isError) return <ErrorNote error={profile.error} />;
  const { contact, conversations, notes } = profile.data;

  return (
    <aside
      className="contact-panel small"
      aria-label="Contact"
      data-testid="contact-panel"
    >
      <h3>{contactName(contact)}</h3>
      {profile.data.nameCorrectedAt !== null && (
        <p className="muted" data-testid="contact-name-corrected">
          Name corrected at the customer&apos;s request on{' '}
          {dateTime(profile.data.nameCorrectedAt)}; their WhatsApp profile name no longer
          replaces it.
        </p>
      )}
      <dl>
        <dt>Number</dt>
        <dd>{contactNumber(contact)}</dd>
        <dt>First seen</dt>
        <dd data-testid="contact-first-seen">{dateTime(profile.data.firstSeenAt)}</dd>
        <dt>Last wrote</dt>
        <dd>{dateTime(profile.data.lastSeenAt)}</dd>
      </dl>
      <h4>Conversations</h4>
      <ul>
        {conversations.map((c) => (
          <li key={c.id}>
            <a href={hrefOf({ screen: 'inbox', conversationId: c.id })}>
              to {c.number.displayPhoneNumber}
            </a>{' '}
            <span className="muted">({c.status})</span>
          </li>
        ))}
      </ul>
      <h4>Internal notes</h4>
      <p className="muted">Only your team sees these; they are never sent.</p>
      <ul className="notes" data-testid="notes">
        {notes.map((note) => (
          <li key={note.id} data-testid="note">
            <p className="note-body">{note.body}</p>
            <p className="muted">
              {note.author?.displayName ?? 'A former member'} · {dateTime(note.createdAt)}
              {note.aboutOther && ' · about someone else, never exported'}
            </p>
          </li>
        ))}
      </ul>
      {props.mayWrite && <NoteForm conversationId={props.conversationId} />}
      {can(props.me, 'consent.read') && (
        <ContactConsent contactId={contact.id} manage={can(props.me, 'consent.manage')} />
      )}
      <PrivacyContacts />
      {props.mayErase && <EraseContact contactId={contact.id} waId={contact.waId} />}
    </aside>
  );
}

function NoteForm(props: { conversationId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const [aboutOther, setAboutOther] = useState(false);
  const add = useMutation(
    trpc.desk.addNote.mutationOptions({
      onSuccess: () => {
        setBody('');
        setAboutOther(false);
        return queryClient.invalidateQueries({ queryKey: trpc.desk.contact.pathKey() });
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ conversationId: props.conversationId, body, aboutOther });
  };
  return (
    <form className="note-form" onSubmit={submit}>
      <textarea
        aria-label="Internal note"
        placeholder="Add an internal note"
        value={body}
        maxLength={4000}
        rows={2}
        onChange={(e) => setBody(e.target.value)}
        data-testid="note-input"
      />
      <label className="small">
        <input
          type="checkbox"
          checked={aboutOther}
          onChange={(e) => setAboutOther(e.target.checked)}
          data-testid="note-about-other"
        />{' '}
        About someone else (withheld from this contact&apos;s data export)
      </label>
      <button
        type="submit"
        disabled={add.isPending || body.trim() === ''}
        data-testid="note-add"
      >
        Add note
      </button>
      <ErrorNote error={add.error} />
    </form>
  );
}
