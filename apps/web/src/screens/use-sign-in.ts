import { useQueryClient } from '@tanstack/react-query';
import { navigate } from '../routing.ts';

/**
 * After setup, sign-in or an accepted invite the cookie is new: drop what was
 * cached under the old identity, then open the inbox.
 */
export function useSignedIn(): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await queryClient.resetQueries();
    navigate({ screen: 'inbox', conversationId: null });
  };
}
