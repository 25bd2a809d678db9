import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';

function formText(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

/** The workspace's own purposes, and a form to add one. */
export function PurposesForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const purposes = useQuery(trpc.consentRegister.purposes.queryOptions());
  const save = useMutation(
    trpc.consentRegister.savePurpose.mutationOptions({
      onSettled: () =>
        queryClient.invalidateQueries({ queryKey: trpc.consentRegister.pathKey() }),
    }),
  );
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    save.mutate({
      purpose: formText(data, 'purpose'),
      description: formText(data, 'description'),
    });
  }
  return (
    <div data-testid="consent-purposes">
      <h3>Purposes</h3>
      <ul className="small">
        {(purposes.data ?? []).map((p) => (
          <li key={p.purpose}>
            <strong>{p.purpose}</strong>: {p.description}
          </li>
        ))}
      </ul>
      <form className="row wrap align-end" onSubmit={submit}>
        <Field label="Purpose" name="purpose" required hint="lowercase, e.g. surveys" />
        <Field label="What it is for" name="description" required />
        <button type="submit" disabled={save.isPending}>
          Save purpose
        </button>
        <ErrorNote error={save.error} />
      </form>
    </div>
  );
}

/** Opt-ins gathered elsewhere, for a list of numbers, under one notice. */
export function ConsentImportForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notices = useQuery(trpc.consentRegister.notices.queryOptions());
  const purposes = useQuery(trpc.consentRegister.purposes.queryOptions());
  const [result, setResult] = useState<string | null>(null);
  const importOptIns = useMutation(
    trpc.consentRegister.importOptIns.mutationOptions({
      onSuccess: (r) => setResult(importSummary(r)),
      onSettled: () =>
        queryClient.invalidateQueries({ queryKey: trpc.consentRegister.pathKey() }),
    }),
  );
  const choices = notices.data ?? [];
  if (choices.length === 0) return null;
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setResult(null);
    const data = new FormData(event.currentTarget);
    const [version = '', language = ''] = formText(data, 'notice').split('|');
    importOptIns.mutate({
      purpose: formText(data, 'purpose'),
      noticeVersion: version,
      language,
      waIds: formText(data, 'numbers')
        .split(/[\s,;]+/)
        .filter((n) => n !== ''),
    });
  }
  return (
    <form onSubmit={submit} data-testid="consent-import">
      <h3>Import opt-ins</h3>
      <p className="muted small">
        Numbers with country code, digits only, one per line: people who agreed on a form
        showing the chosen notice.
      </p>
      <div className="row wrap align-end">
        <label>
          Purpose{' '}
          <select name="purpose">
            {(purposes.data ?? []).map((p) => (
              <option key={p.purpose}>{p.purpose}</option>
            ))}
          </select>
        </label>
        <label>
          Notice{' '}
          <select name="notice">
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
      </div>
      <textarea name="numbers" rows={3} aria-label="Numbers" required />
      <button type="submit" disabled={importOptIns.isPending}>
        Import
      </button>
      {result && <span className="muted small"> {result}</span>}
      <ErrorNote error={importOptIns.error} />
    </form>
  );
}

const REFUSAL_WORDS = {
  erased: 'erased (asked to be forgotten)',
  withdrew_by_customer: 'withdrew by the customer',
  not_a_number: 'not a WhatsApp number (7 to 15 digits)',
} as const;

/** What the import did, each refused number named with its reason. */
function importSummary(r: {
  recorded: number;
  unchanged: number;
  refused: { waId: string; reason: keyof typeof REFUSAL_WORDS }[];
}): string {
  const counts = `${r.recorded} recorded, ${r.unchanged} unchanged`;
  if (r.refused.length === 0) return counts;
  const refused = r.refused.map((x) => `${x.waId}: ${REFUSAL_WORDS[x.reason]}`);
  return `${counts}; not recorded: ${refused.join(', ')}`;
}
