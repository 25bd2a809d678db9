import { useId, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';

/** A free-form reply; the server re-checks the window and the opt-out. */
export function ReplyBox({
  conversationId,
  windowOpen,
}: {
  conversationId: string;
  windowOpen: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [body, setBody] = useState('');
  const reply = useMutation(
    trpc.inbox.reply.mutationOptions({
      onSuccess: () => {
        setBody('');
        void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
      },
      // A refusal (the window closed while the page was open) shows the
      // conversation as it now stands: templates instead of free text.
      onError: () =>
        void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() }),
    }),
  );
  const send = () => {
    if (body.trim()) reply.mutate({ conversationId, body });
  };

  return (
    <form
      className="reply-box"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label htmlFor={id}>Reply</label>
      <textarea
        id={id}
        value={body}
        onChange={(event) => setBody(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            send();
          }
        }}
        rows={windowOpen ? 3 : 1}
        maxLength={4096}
        disabled={!windowOpen}
        placeholder={
          windowOpen
            ? 'Write a reply (Ctrl+Enter sends)'
            : 'Outside the 24-hour window: send a template below'
        }
        data-testid="reply-input"
      />
      <ErrorNote error={reply.error} testId="reply-error" />
      <div className="reply-actions">
        <button
          type="submit"
          className="primary"
          disabled={!windowOpen || reply.isPending || !body.trim()}
          data-testid="reply-send"
        >
          {reply.isPending ? 'Sending…' : 'Send reply'}
        </button>
      </div>
    </form>
  );
}
