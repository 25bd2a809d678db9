import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
// Types only: the web app must never bundle server code.
import type { AppRouter, Requirement } from '@flowgento/api';

export type Inputs = inferRouterInputs<AppRouter>;
export type Outputs = inferRouterOutputs<AppRouter>;
export type Me = NonNullable<Outputs['auth']['me']>;
/** A member's role; the caller's own may also be SUPPORT (`Me['role']`). */
export type Role = Me['assignableRoles'][number];
export type Permission = Exclude<Requirement, 'authenticated' | 'signed-in' | 'public'>;

/** The server refuses any POST to /trpc without it (CSRF guard). */
const REQUEST_HEADER = { 'x-flowgento-request': '1' };

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export function createApiClient() {
  const url = `${location.origin}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        // Server-sent events on the same origin carry the session cookie.
        true: httpSubscriptionLink({ url }),
        // Not the streaming batch link: sign-in answers with Set-Cookie,
        // which must arrive with the response headers.
        false: httpBatchLink({ url, headers: () => REQUEST_HEADER }),
      }),
    ],
  });
}

/** The HTTP status a tRPC call failed with, when the server answered. */
export function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  const status = (data as { httpStatus?: unknown } | null)?.httpStatus;
  return typeof status === 'number' ? status : undefined;
}

/** A sentence to show the member; the server already wrote a readable one. */
export function errorText(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Try again.';
}

export function createQueryClient(onSignedOut: () => void): QueryClient {
  // An expired or revoked session shows the sign-in page, not a broken screen,
  // whether the member's next action reads or changes something.
  const onError = (error: unknown) => {
    if (httpStatusOf(error) === 401) onSignedOut();
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        // A refusal (4xx) will not change on retry; a dropped connection may.
        retry: (count, error) => {
          const status = httpStatusOf(error);
          return count < 2 && (status === undefined || status >= 500);
        },
      },
    },
  });
}

/** The refusal's reason code, as the server's error formatter sends it. */
export function reasonOf(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  const reason = (data as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' ? reason : null;
}
