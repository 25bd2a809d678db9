import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { fullTime } from '../format.ts';

/** One contact's lines of the consent register, for those who may read it. */
export function ContactConsent({ contactId }: { contactId: string }) {
  const trpc = useTRPC();
  const register = useQuery(trpc.consentRegister.entries.queryOptions({ contactId }));
  const entries = register.data?.entries ?? [];
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
                : ''}, {fullTime(e.changedAt)})
            </li>
          ))}
        </ul>
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
