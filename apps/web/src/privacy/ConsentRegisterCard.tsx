import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Me } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';
import { fullTime } from '../format.ts';
import { can } from '../permissions.ts';
import { downloadText } from './download.ts';
import { WithdrawButton } from './ConsentControls.tsx';
import { ConsentImportForm, PurposesForm } from './ConsentImportForm.tsx';

const SOURCE_TEXT: Record<string, string> = {
  keyword: 'stop/start keyword',
  preference_webhook: 'WhatsApp menu',
  opted_out_error: 'WhatsApp error 131050',
  agent: 'agent',
  admin: 'admin',
  import: 'import',
};

/** Notices the workspace shows people, and a form to publish a new one. */
function Notices({ manage }: { manage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notices = useQuery(trpc.consentRegister.notices.queryOptions());
  const add = useMutation(
    trpc.consentRegister.addNotice.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.consent.pathKey() }),
      onSettled: () =>
        queryClient.invalidateQueries({ queryKey: trpc.consentRegister.pathKey() }),
    }),
  );
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = data.get(name);
      return typeof value === 'string' ? value : '';
    };
    add.mutate({
      version: text('version'),
      language: text('language'),
      body: text('body'),
    });
  }
  return (
    <div data-testid="consent-notices">
      <h3>Consent notices</h3>
      {(notices.data ?? []).length === 0 ? (
        <p className="muted small">
          No notice published yet: opt-ins cannot be recorded.
        </p>
      ) : (
        <ul className="small">
          {(notices.data ?? []).map((n) => (
            <li key={`${n.version}|${n.language}`} data-testid="consent-notice-item">
              <strong>
                {n.version} ({n.language})
              </strong>
              : {n.body}
            </li>
          ))}
        </ul>
      )}
      {manage && (
        <form className="row wrap align-end" onSubmit={submit}>
          <Field label="Version" name="version" required data-testid="notice-version" />
          <Field
            label="Language"
            name="language"
            required
            hint="e.g. en, hi"
            data-testid="notice-language"
          />
          <Field label="Notice text" name="body" required data-testid="notice-body" />
          <button type="submit" disabled={add.isPending} data-testid="notice-publish">
            Publish notice
          </button>
          <ErrorNote error={add.error} />
        </form>
      )}
    </div>
  );
}

/** The consent register of the workspace: every record, its source and notice. */
export function ConsentRegisterCard({ me }: { me: Me }) {
  const trpc = useTRPC();
  const manage = can(me, 'consent.manage');
  const register = useQuery(trpc.consentRegister.entries.queryOptions({}));
  const [exported, setExported] = useState<string | null>(null);
  const exportRegister = useMutation(
    trpc.consentRegister.export.mutationOptions({
      onSuccess: (file) => {
        downloadText(
          file.filename,
          file.body,
          file.filename.endsWith('.csv') ? 'text/csv' : 'application/json',
        );
        setExported(file.filename);
      },
    }),
  );
  const entries = register.data?.entries ?? [];
  return (
    <section className="card" data-testid="consent-register">
      <h2>Consent register</h2>
      <Notices manage={manage} />
      {manage && <PurposesForm />}
      {manage && <ConsentImportForm />}
      <h3>Records</h3>
      {manage && (
        <p className="muted small">
          Record an opt-in from the contact panel beside a conversation, naming the notice
          the person read; withdraw here or there.
        </p>
      )}
      {entries.length === 0 ? (
        <p className="muted small">No consent recorded yet.</p>
      ) : (
        <table className="small">
          <thead>
            <tr>
              <th>Number</th>
              <th>Purpose</th>
              <th>State</th>
              <th>Source</th>
              <th>Notice</th>
              <th>When</th>
              {manage && <th />}
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.contactId}|${e.purpose}`} data-testid="consent-register-row">
                <td>{e.waId}</td>
                <td>{e.purpose}</td>
                <td>{e.state === 'opted_in' ? 'Opted in' : 'Opted out'}</td>
                <td>{SOURCE_TEXT[e.source] ?? e.source}</td>
                <td>
                  {e.noticeVersion ? `${e.noticeVersion} (${e.language ?? '?'})` : '—'}
                </td>
                <td>{fullTime(e.changedAt)}</td>
                {manage && (
                  <td>
                    {e.state === 'opted_in' && (
                      <WithdrawButton contactId={e.contactId} purpose={e.purpose} />
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {manage && (
        <p className="row">
          <button
            type="button"
            disabled={exportRegister.isPending}
            onClick={() => exportRegister.mutate({ format: 'csv' })}
            data-testid="consent-export-csv"
          >
            Export CSV
          </button>
          <button
            type="button"
            disabled={exportRegister.isPending}
            onClick={() => exportRegister.mutate({ format: 'json' })}
            data-testid="consent-export-json"
          >
            Export JSON
          </button>
          {exported && (
            <span className="muted small" data-testid="consent-exported">
              Exported {exported} (recorded in the audit log)
            </span>
          )}
        </p>
      )}
      <ErrorNote error={exportRegister.error} />
    </section>
  );
}
