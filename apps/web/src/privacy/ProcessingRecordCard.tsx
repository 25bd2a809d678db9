import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { downloadText } from './download.ts';

/** The record of processing, generated from the live configuration. */
export function ProcessingRecordCard() {
  const trpc = useTRPC();
  const record = useQuery(trpc.privacy.record.queryOptions());
  if (!record.data) return null;
  const { markdown } = record.data;
  const json = JSON.stringify(record.data.record, null, 2);
  return (
    <section className="card" data-testid="processing-record">
      <h2>Record of processing</h2>
      <p className="row">
        <button
          type="button"
          onClick={() =>
            downloadText('record-of-processing.md', markdown, 'text/markdown')
          }
        >
          Download Markdown
        </button>
        <button
          type="button"
          onClick={() =>
            downloadText('record-of-processing.json', json, 'application/json')
          }
        >
          Download JSON
        </button>
      </p>
      <pre className="small" data-testid="processing-record-text">
        {markdown}
      </pre>
    </section>
  );
}
