import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';

type Drafts = Outputs['breaches']['get']['drafts'];

const TITLES: Record<keyof Drafts, string> = {
  board_intimation: 'Intimation to the Data Protection Board of India (without delay)',
  board: 'Report to the Data Protection Board of India (72 hours)',
  gdpr: 'Notification to the GDPR supervisory authority (article 33)',
  cert_in: 'CERT-In incident report (6 hours)',
  people: 'Notice to the people affected (without delay)',
};

/**
 * The notification contents the rules list, pre-filled from the incident
 * and editable; the report export prints them as saved.
 */
export function BreachDrafts({ breachId, drafts }: { breachId: string; drafts: Drafts }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [report, setReport] = useState<{ json: string; text: string } | null>(null);
  const save = useMutation(
    trpc.breaches.editDrafts.mutationOptions({
      onSuccess: () => {
        setEdits({});
        void queryClient.invalidateQueries({ queryKey: trpc.breaches.pathKey() });
      },
    }),
  );
  const exportReport = useMutation(
    trpc.breaches.exportReport.mutationOptions({ onSuccess: setReport }),
  );
  const download =
    report && URL.createObjectURL(new Blob([report.json], { type: 'application/json' }));

  return (
    <section className="card stack" data-testid="breach-drafts">
      <h2>Notifications</h2>
      {(Object.keys(TITLES) as (keyof Drafts)[]).map((doc) => (
        <details key={doc} open={doc === 'board'}>
          <summary>{TITLES[doc]}</summary>
          {drafts[doc].map((field) => (
            <label key={field.key} className="stack">
              {field.label}
              <textarea
                rows={3}
                value={edits[field.key] ?? field.text}
                onChange={(e) => setEdits({ ...edits, [field.key]: e.target.value })}
              />
            </label>
          ))}
        </details>
      ))}
      <div className="row">
        <button
          disabled={Object.keys(edits).length === 0 || save.isPending}
          onClick={() => save.mutate({ breachId, fields: edits })}
        >
          Save the text
        </button>
        <button onClick={() => exportReport.mutate({ breachId })}>
          Produce the Board report
        </button>
      </div>
      <ErrorNote error={save.error ?? exportReport.error} />
      {report && download && (
        <div className="stack" data-testid="breach-report">
          <a href={download} download={`breach-${breachId}.json`}>
            Download as JSON
          </a>
          <pre className="printable">{report.text}</pre>
        </div>
      )}
    </section>
  );
}
