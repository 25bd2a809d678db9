import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { errorText, useTRPC, type Me } from './api.ts';
import { hrefOf, useRoute, type Route } from './routing.ts';
import { SimulatorBanner } from './shell/SimulatorBanner.tsx';
import { Shell } from './shell/Shell.tsx';
import { SetupScreen } from './screens/SetupScreen.tsx';
import { LoginScreen } from './screens/LoginScreen.tsx';
import { InviteScreen } from './screens/InviteScreen.tsx';
import { SupportLinkScreen } from './support/SupportLinkScreen.tsx';

/** How often the signed-in identity and the support banner are refreshed. */
const ME_REFRESH_MS = 30_000;

/** Picks the screen: first-run setup, an invite, sign-in, or the app. */
export function App() {
  const trpc = useTRPC();
  const route = useRoute();
  const info = useQuery(trpc.system.info.queryOptions());
  // Polled so that the support banner comes and goes without a reload, and a
  // support session that ended shows sign-in.
  const me = useQuery(
    trpc.auth.me.queryOptions(undefined, { refetchInterval: ME_REFRESH_MS }),
  );

  if (info.isError || me.isError) {
    return (
      <main className="centered">
        <p role="alert" className="error">
          The appliance did not answer: {errorText(info.error ?? me.error)}
        </p>
      </main>
    );
  }
  if (info.isPending || me.isPending) {
    return <main className="centered muted">Loading…</main>;
  }

  return (
    <>
      {info.data.simulator && <SimulatorBanner />}
      {screenFor(route, info.data.needsSetup, me.data)}
    </>
  );
}

function screenFor(route: Route, needsSetup: boolean, me: Me | null) {
  if (needsSetup) {
    return route.screen === 'setup' ? (
      <SetupScreen />
    ) : (
      <Redirect to={{ screen: 'setup' }} />
    );
  }
  if (route.screen === 'invite') return <InviteScreen code={route.code} />;
  if (route.screen === 'support-link') {
    return <SupportLinkScreen credential={route.credential} />;
  }
  if (!me) {
    return route.screen === 'login' ? (
      <LoginScreen />
    ) : (
      <Redirect to={{ screen: 'login' }} />
    );
  }
  if (route.screen === 'setup' || route.screen === 'login') {
    return <Redirect to={{ screen: 'inbox', conversationId: null }} />;
  }
  return <Shell me={me} route={route} />;
}

/** Replaces the hash, so Back does not return to a page that bounces again. */
function Redirect({ to }: { to: Route }) {
  const href = hrefOf(to);
  useEffect(() => {
    location.replace(href);
  }, [href]);
  return null;
}
