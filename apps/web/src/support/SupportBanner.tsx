import type { Me } from '../api.ts';
import { untilText } from './until.ts';

/**
 * While support access is open, everyone in the workspace sees who has it and
 * until when; the support person sees whose access they are using.
 */
export function SupportBanner({ me }: { me: Me }) {
  if (me.support) {
    return (
      <div className="support-banner" role="status" data-testid="support-self-banner">
        <strong>You are using support access</strong> granted by{' '}
        {me.support.grantedByEmail}, until {untilText(me.support.expiresAt)}. You can
        look, not change anything; every page you open is recorded in the audit log.
      </div>
    );
  }
  if (me.activeSupport.length === 0) return null;
  return (
    <div className="support-banner" role="status" data-testid="support-banner">
      <strong>Support access is open.</strong>{' '}
      {me.activeSupport.map((grant, index) => (
        <span key={grant.id}>
          {index > 0 && '; '}
          {grant.name} (granted by {grant.grantedByEmail}) until{' '}
          {untilText(grant.expiresAt)}
        </span>
      ))}
      .
    </div>
  );
}
