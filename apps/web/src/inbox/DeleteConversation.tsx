import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';

/**
 * Deletes the conversation and its messages for good (it is audited). Two
 * clicks: the first only asks, so a stray click deletes nothing.
 */
export function DeleteConversation({ conversationId }: { conversationId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const remove = useMutation(
    trpc.inbox.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
        location.hash = '#/inbox';
      },
    }),
  );

  if (!asking) {
    return (
      <button type="button" className="link-button" onClick={() => setAsking(true)}>
        Delete conversation
      </button>
    );
  }
  return (
    <div className="confirm" role="alert">
      <span className="small">Delete this conversation and all its messages?</span>
      <button
        type="button"
        className="danger"
        disabled={remove.isPending}
        onClick={() => remove.mutate({ conversationId })}
        data-testid="confirm-delete-conversation"
      >
        {remove.isPending ? 'Deleting…' : 'Delete'}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Keep
      </button>
      <ErrorNote error={remove.error} />
    </div>
  );
}
