import { useQueryClient } from '@tanstack/react-query';
import { navigate } from '../routing.ts';

/** After this browser's own session ends: drop everything cached, show sign-in. */
export function useSignedOut(): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await queryClient.resetQueries();
    navigate({ screen: 'login' });
  };
}
