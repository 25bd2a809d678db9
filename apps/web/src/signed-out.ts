import type { QueryClient } from '@tanstack/react-query';
import { navigate } from './routing.ts';

/**
 * After the server ended this tab's session (sign-out, leaving, stepping
 * down): nothing of the workspace may stay in the tab, and sign-in shows.
 */
export async function showSignedOut(queryClient: QueryClient): Promise<void> {
  await queryClient.resetQueries();
  navigate({ screen: 'login' });
}
