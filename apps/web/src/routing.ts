import { useSyncExternalStore } from 'react';

/**
 * Routes live in the hash (`#/inbox/<id>`), so the server serves one
 * index.html and a reload keeps the member where they were.
 */
export type Route =
  | { screen: 'setup' }
  | { screen: 'login' }
  | { screen: 'invite'; code: string }
  /** The link an OWNER hands to a support person: `#/support/<credential>`. */
  | { screen: 'support-link'; credential: string }
  | { screen: 'support-access' }
  | { screen: 'inbox'; conversationId: string | null }
  | { screen: 'members' }
  | { screen: 'whatsapp' }
  | { screen: 'audit' }
  | { screen: 'storage' }
  | { screen: 'retention' }
  | { screen: 'backups' }
  /** The OWNER's printable recovery kit: `#/backups/kit`. */
  | { screen: 'backup-kit' }
  | { screen: 'sessions' }
  /** The request desk: people's requests about their data. */
  | { screen: 'requests' }
  /** Consent register, privacy settings, record of processing (issue #8). */
  | { screen: 'privacy' }
  /** Agent URL, QR code and CA fingerprint for pairing an agent's browser. */
  | { screen: 'pairing' }
  /** The breach register and the access log of personal data. */
  | { screen: 'breaches' };

export function parseRoute(hash: string): Route {
  const [first = '', second = ''] = hash.replace(/^#\/?/, '').split('/');
  const param = decodeURIComponent(second);
  switch (first) {
    case 'setup':
    case 'login':
    case 'members':
    case 'whatsapp':
    case 'audit':
    case 'storage':
    case 'retention':
    case 'sessions':
    case 'support-access':
    case 'pairing':
    case 'breaches':
    case 'requests':
    case 'privacy':
      return { screen: first };
    case 'backups':
      return second === 'kit' ? { screen: 'backup-kit' } : { screen: 'backups' };
    case 'support':
      return { screen: 'support-link', credential: param };
    case 'invite':
      return { screen: 'invite', code: param };
    default:
      return { screen: 'inbox', conversationId: param || null };
  }
}

export function hrefOf(route: Route): string {
  switch (route.screen) {
    case 'invite':
      return `#/invite/${encodeURIComponent(route.code)}`;
    case 'support-link':
      return `#/support/${encodeURIComponent(route.credential)}`;
    case 'inbox':
      return route.conversationId
        ? `#/inbox/${encodeURIComponent(route.conversationId)}`
        : '#/inbox';
    case 'backup-kit':
      return '#/backups/kit';
    default:
      return `#/${route.screen}`;
  }
}

export function navigate(route: Route): void {
  location.hash = hrefOf(route);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  return parseRoute(hash);
}
