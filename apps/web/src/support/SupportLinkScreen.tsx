import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { AuthCard } from '../screens/AuthCard.tsx';
import { navigate } from '../routing.ts';

/**
 * `#/support/<credential>`: the link an OWNER handed to a support person.
 * Redeeming it is an explicit click, so that a link preview or a prefetch
 * cannot spend the single-use credential.
 */
export function SupportLinkScreen({ credential }: { credential: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const redeem = useMutation(
    trpc.support.redeem.mutationOptions({
      onSuccess: async () => {
        await queryClient.resetQueries();
        navigate({ screen: 'inbox', conversationId: null });
      },
    }),
  );

  return (
    <AuthCard
      testId="support-link-screen"
      title="Support access"
      intro="An owner of this workspace granted you time-boxed, read-only access. Everything you open is recorded in their audit log. The link works once."
    >
      <ErrorNote error={redeem.error} testId="support-link-error" />
      <button
        type="button"
        className="primary"
        disabled={redeem.isPending || !credential}
        onClick={() => redeem.mutate({ credential })}
        data-testid="redeem-support"
      >
        {redeem.isPending ? 'Opening…' : 'Open the workspace'}
      </button>
    </AuthCard>
  );
}
