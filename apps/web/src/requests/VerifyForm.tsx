import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, useTRPCClient } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { field, readForm } from '../forms/form-data.ts';

/**
 * Records how the requester proved who they are, and links the WhatsApp
 * contact they are: found by the number they wrote from.
 */
export function VerifyForm({ requestId }: { requestId: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const verify = useMutation(
    trpc.requests.verify.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.requests.pathKey() }),
    }),
  );

  return (
    <form
      className="stack"
      onSubmit={(event) => {
        const v = readForm(event);
        setProblem(null);
        const waId = field(v, 'waId').replace(/\D/g, '');
        void client.requests.findContact.query({ waId }).then(
          (contact) => {
            if (!contact) return setProblem('No contact has written from that number.');
            verify.mutate({
              requestId,
              method: field(v, 'method'),
              contactId: contact.id,
            });
          },
          (error: unknown) => setProblem(String((error as Error).message)),
        );
      }}
    >
      <label>
        Their WhatsApp number <input name="waId" required data-testid="verify-number" />
      </label>
      <label>
        How identity was checked{' '}
        <input name="method" required maxLength={200} data-testid="verify-method" />
      </label>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <ErrorNote error={verify.error} />
      <button type="submit" disabled={verify.isPending} data-testid="verify-request">
        Verify identity
      </button>
    </form>
  );
}
