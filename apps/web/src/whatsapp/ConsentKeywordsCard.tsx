import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';

const split = (text: string): string[] =>
  text
    .split(/[,\n]/)
    .map((word) => word.trim())
    .filter(Boolean);

/**
 * The words that, written alone by a customer, stop or resume marketing
 * messages. Shown to whoever reads WhatsApp settings; changed by those who
 * manage them (audited as `consent.keywords_changed`).
 */
export function ConsentKeywordsCard({ manage }: { manage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.consent.keywords.queryOptions());
  const [draft, setDraft] = useState<{ stop: string; start: string } | null>(null);
  const done = () => {
    setDraft(null);
    void queryClient.invalidateQueries({ queryKey: trpc.consent.keywords.queryKey() });
  };
  const save = useMutation(trpc.consent.setKeywords.mutationOptions({ onSuccess: done }));

  const data = query.data;
  return (
    <section className="card" data-testid="consent-keywords">
      <h2>Stop and start keywords</h2>
      <p className="small">
        A customer who writes a stop word alone stops marketing messages (and the
        workspace&apos;s own purposes); marketing templates to them are then refused. A
        start word resumes marketing only if their opt-in was once recorded with a notice.{' '}
        {data && (data.custom ? 'This workspace uses its own lists.' : 'Built-in lists.')}
      </p>
      <ErrorNote error={query.error ?? save.error} testId="consent-keywords-error" />
      {data && !draft && (
        <>
          <p className="small">
            <strong>Stop:</strong> {data.stop.join(', ')}
            <br />
            <strong>Start:</strong> {data.start.join(', ')}
          </p>
          {manage && (
            <div className="row wrap">
              <button
                type="button"
                onClick={() =>
                  setDraft({ stop: data.stop.join(', '), start: data.start.join(', ') })
                }
              >
                Change keywords
              </button>
              {data.custom && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => save.mutate({ builtIn: true })}
                >
                  Use the built-in lists
                </button>
              )}
            </div>
          )}
        </>
      )}
      {draft && (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate({ stop: split(draft.stop), start: split(draft.start) });
          }}
        >
          <label className="field">
            <span>Stop keywords (comma-separated)</span>
            <textarea
              rows={2}
              value={draft.stop}
              onChange={(e) => setDraft({ ...draft, stop: e.target.value })}
            />
          </label>
          <label className="field">
            <span>Start keywords (comma-separated)</span>
            <textarea
              rows={2}
              value={draft.start}
              onChange={(e) => setDraft({ ...draft, start: e.target.value })}
            />
          </label>
          <div className="row wrap">
            <button type="submit" className="primary" disabled={save.isPending}>
              Save keywords
            </button>
            <button type="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
