import { errorText } from '../api.ts';

/** The server's reason for a refusal, announced to screen readers. */
export function ErrorNote({ error, testId }: { error: unknown; testId?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className="error" data-testid={testId}>
      {errorText(error)}
    </p>
  );
}
