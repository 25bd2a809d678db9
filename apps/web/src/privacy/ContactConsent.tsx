import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { fullTime } from '../format.ts';
import { RecordOptInForm, WithdrawButton } from './ConsentControls.tsx';

const KIND_TEXT: Record<string, string> = {
  change: '',
  resumption: ', resumed by the customer under their earlier notice',
  request: ', asked to resume: no withdrawn opt-in with a notice to restore, no consent',
};

/**
 * One contact's lines of the consent register and their history, for those
 * who may read it; OWNERs and ADMINs record opt-ins and withdraw here.
 */
export function ContactConsent(props: { contactId: string; manage: boolean }) {
  const trpc = useTRPC();
  const register = useQuery(
    trpc.consentRegister.entries.queryOptions({ contactId: props.contactId }),
  );
  const entries = register.data?.entries ?? [];
  const history = register.data?.history ?? [];
  return (
    <div data-testid="contact-consent">
      <h4>Consent</h4>
      {entries.length === 0 ? (
        <p className="muted">Nothing recorded.</p>
      ) : (
        <ul>
          {entries.map((e) => (
            <li key={e.purpose} data-testid="contact-consent-entry">
              {e.purpose}: {e.state === 'opted_in' ? 'opted in' : 'opted out'} ({e.source}
              {e.noticeVersion
                ? `, notice ${e.noticeVersion} ${e.language ?? ''}`
                : ''}, {fullTime(e.changedAt)}){' '}
              {props.manage && e.state === 'opted_in' && (
                <WithdrawButton contactId={props.contactId} purpose={e.purpose} />
              )}
            </li>
          ))}
        </ul>
      )}
      {props.manage && <RecordOptInForm contactId={props.contactId} />}
      {history.length > 0 && (
        <details data-testid="contact-consent-history">
          <summary>History, in the order it took effect</summary>
          <ol className="small">
            {history.map((h, i) => (
              <li key={i} data-testid="contact-consent-change">
                {fullTime(h.effectiveAt)} {h.purpose}:{' '}
                {h.state === 'opted_in' ? 'opted in' : 'opted out'} ({h.source}
                {h.noticeVersion ? `, notice ${h.noticeVersion} ${h.language ?? ''}` : ''}
                {KIND_TEXT[h.kind] ?? ''})
                {h.effectiveAt !== h.occurredAt &&
                  ` — stamped ${fullTime(h.occurredAt)} by WhatsApp, in the second ` +
                    'of the opt-in it overrides: a withdrawal wins a tie'}
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}

/** Whom a customer can write to about their data, shown to every member. */
export function PrivacyContacts() {
  const trpc = useTRPC();
  const contacts = useQuery(trpc.privacy.contacts.queryOptions());
  const { privacyContact, grievanceOfficer } = contacts.data ?? {};
  if (!privacyContact && !grievanceOfficer) return null;
  const person = (p: NonNullable<typeof privacyContact>) =>
    `${p.name}, ${p.email}${p.phone ? `, ${p.phone}` : ''}`;
  return (
    <p className="muted" data-testid="privacy-contacts">
      {privacyContact && <>Privacy questions: {person(privacyContact)}. </>}
      {grievanceOfficer && <>Grievance officer: {person(grievanceOfficer)}.</>}
    </p>
  );
}
