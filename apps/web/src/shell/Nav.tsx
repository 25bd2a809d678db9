import type { Me } from '../api.ts';
import { can } from '../permissions.ts';
import { hrefOf, type Route } from '../routing.ts';

const ITEMS = [
  { screen: 'inbox', label: 'Inbox', visible: () => true },
  {
    screen: 'members',
    label: 'Members',
    visible: (me: Me) => can(me, 'members.read'),
  },
  {
    screen: 'pairing',
    label: 'Pairing',
    visible: (me: Me) => can(me, 'members.invite'),
  },
  {
    screen: 'whatsapp',
    label: 'WhatsApp',
    visible: (me: Me) => can(me, 'whatsapp.read'),
  },
  {
    screen: 'audit',
    label: 'Audit log',
    visible: (me: Me) => can(me, 'audit.read'),
  },
  {
    screen: 'storage',
    label: 'Storage',
    visible: (me: Me) => can(me, 'storage.read'),
  },
  {
    screen: 'retention',
    label: 'Retention',
    visible: (me: Me) => can(me, 'retention.manage'),
  },
  {
    screen: 'backups',
    label: 'Backups',
    visible: (me: Me) => can(me, 'backup.read'),
  },
  {
    screen: 'requests',
    label: 'Requests',
    visible: (me: Me) => can(me, 'requests.read'),
  },
  {
    screen: 'privacy',
    label: 'Privacy',
    visible: (me: Me) => can(me, 'consent.read') || can(me, 'privacy.manage'),
  },
  {
    screen: 'support-access',
    label: 'Support access',
    visible: (me: Me) => can(me, 'support.manage'),
  },
  {
    screen: 'breaches',
    label: 'Breaches',
    visible: (me: Me) => can(me, 'breaches.manage') || can(me, 'accessLog.read'),
  },
  // A support person has no account of their own to secure.
  { screen: 'sessions', label: 'Security', visible: (me: Me) => !me.support },
] as const;

/** Only the screens this member's role can use; the others are not even listed. */
export function Nav({ me, current }: { me: Me; current: Route['screen'] }) {
  return (
    <nav className="app-nav" aria-label="Main">
      {ITEMS.filter((item) => item.visible(me))
        // Until a required second factor is set up, Security is the only way on.
        .filter((item) => !me.secondFactorMissing || item.screen === 'sessions')
        .map((item) => (
          <a
            key={item.screen}
            href={hrefOf(
              item.screen === 'inbox'
                ? { screen: 'inbox', conversationId: null }
                : { screen: item.screen },
            )}
            aria-current={current === item.screen ? 'page' : undefined}
            data-testid={`nav-${item.screen}`}
          >
            {item.label}
          </a>
        ))}
    </nav>
  );
}
