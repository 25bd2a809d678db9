import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useTRPC } from '../api.ts';
import { navigate } from '../routing.ts';

export type LiveState = 'connecting' | 'live' | 'offline';

/**
 * Keeps the inbox current without reloads. Events carry ids only, so each
 * one re-fetches the inbox queries on screen through the scoped API; a
 * change of support access re-fetches the banner.
 */
export function useInboxEvents(openConversationId: string | null): LiveState {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() }),
      // Consent and template decisions change what the template picker offers.
      queryClient.invalidateQueries({ queryKey: trpc.templates.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.desk.pathKey() }),
      // A stop keyword or WhatsApp's menu moves the contact's register lines.
      queryClient.invalidateQueries({ queryKey: trpc.consentRegister.pathKey() }),
    ]);

  const subscription = useSubscription(
    trpc.inbox.events.subscriptionOptions(undefined, {
      // Whatever happened while the stream was down is fetched once on (re)connect.
      onStarted: () => void refresh(),
      onData: (event) => {
        if (event.type === 'support.changed') {
          // The support banner lives in `auth.me`; nothing of the inbox changed.
          void queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
          return;
        }
        if (
          event.type === 'conversation.deleted' &&
          event.conversationId === openConversationId
        ) {
          navigate({ screen: 'inbox', conversationId: null });
        }
        void refresh();
      },
    }),
  );

  switch (subscription.status) {
    case 'pending':
      return 'live';
    case 'error':
      return 'offline';
    case 'idle':
    case 'connecting':
      return 'connecting';
  }
}
