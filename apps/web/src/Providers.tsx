import { useState, type ReactNode } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@flowgento/api';
import { createApiClient, createQueryClient, TRPCProvider } from './api.ts';

/** One API client and one query cache for the life of the tab. */
export function Providers({ children }: { children: ReactNode }) {
  const [clients] = useState(() => {
    const trpcClient = createApiClient();
    const queryClient = createQueryClient(() => {
      // Re-asking who we are turns a dead session into the sign-in page.
      void queryClient.invalidateQueries({ queryKey: options.auth.me.queryKey() });
    });
    const options = createTRPCOptionsProxy<AppRouter>({
      client: trpcClient,
      queryClient,
    });
    return { trpcClient, queryClient };
  });

  return (
    <QueryClientProvider client={clients.queryClient}>
      <TRPCProvider trpcClient={clients.trpcClient} queryClient={clients.queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
