import type { Me } from '../api.ts';
import { can } from '../permissions.ts';
import type { Route } from '../routing.ts';
import { InboxScreen } from '../inbox/InboxScreen.tsx';
import { MembersScreen } from '../members/MembersScreen.tsx';
import { WhatsAppScreen } from '../whatsapp/WhatsAppScreen.tsx';
import { AuditScreen } from '../audit/AuditScreen.tsx';
import { BreachesScreen } from '../breaches/BreachesScreen.tsx';
import { SessionsScreen } from '../sessions/SessionsScreen.tsx';
import { SupportAccessScreen } from '../support/SupportAccessScreen.tsx';
import { StorageScreen } from '../storage/StorageScreen.tsx';
import { RetentionScreen } from '../retention/RetentionScreen.tsx';
import { BackupsScreen } from '../backup/BackupsScreen.tsx';
import { RecoveryKitPage } from '../backup/RecoveryKitPage.tsx';
import { PairingScreen } from '../pairing/PairingScreen.tsx';
import { RequestsScreen } from '../requests/RequestsScreen.tsx';
import { PrivacyScreen } from '../privacy/PrivacyScreen.tsx';
import { SupportBanner } from '../support/SupportBanner.tsx';
import { DisclosureBanner } from '../privacy/DisclosureWarning.tsx';
import { Header } from './Header.tsx';
import { Nav } from './Nav.tsx';

type SignedInRoute = Exclude<
  Route,
  { screen: 'setup' | 'login' | 'invite' | 'support-link' }
>;

/** The signed-in frame: header, navigation and the screen the hash names. */
export function Shell({ me, route }: { me: Me; route: SignedInRoute }) {
  return (
    <div className="shell">
      <SupportBanner me={me} />
      <DisclosureBanner me={me} />
      <Header me={me} />
      <Nav me={me} current={route.screen} />
      <div className="content">
        {me.secondFactorMissing ? <SessionsScreen me={me} /> : screen(me, route)}
      </div>
    </div>
  );
}

function screen(me: Me, route: SignedInRoute) {
  switch (route.screen) {
    case 'inbox':
      return <InboxScreen me={me} conversationId={route.conversationId} />;
    case 'members':
      return can(me, 'members.read') ? <MembersScreen me={me} /> : <NotAllowed />;
    case 'whatsapp':
      return can(me, 'whatsapp.read') ? <WhatsAppScreen me={me} /> : <NotAllowed />;
    case 'audit':
      return can(me, 'audit.read') ? <AuditScreen me={me} /> : <NotAllowed />;
    case 'sessions':
      return me.support ? <NotAllowed /> : <SessionsScreen me={me} />;
    case 'storage':
      return can(me, 'storage.read') ? <StorageScreen me={me} /> : <NotAllowed />;
    case 'retention':
      return can(me, 'retention.manage') ? <RetentionScreen /> : <NotAllowed />;
    case 'backups':
      return can(me, 'backup.read') ? <BackupsScreen me={me} /> : <NotAllowed />;
    case 'backup-kit':
      return <RecoveryKitPage me={me} />;
    case 'support-access':
      return can(me, 'support.manage') ? <SupportAccessScreen /> : <NotAllowed />;
    case 'pairing':
      return can(me, 'members.invite') ? <PairingScreen me={me} /> : <NotAllowed />;
    case 'breaches':
      return can(me, 'breaches.manage') || can(me, 'accessLog.read') ? (
        <BreachesScreen me={me} />
      ) : (
        <NotAllowed />
      );
    case 'requests':
      return can(me, 'requests.read') ? <RequestsScreen me={me} /> : <NotAllowed />;
    case 'privacy':
      return can(me, 'consent.read') ? <PrivacyScreen me={me} /> : <NotAllowed />;
  }
}

function NotAllowed() {
  return (
    <section className="card">
      <h1>Not available to your role</h1>
      <p>
        Ask an owner or admin if you need this. <a href="#/inbox">Go to the inbox</a>
      </p>
    </section>
  );
}
