import { useQuery } from '@tanstack/react-query';
import { useTRPC, type Me } from '../api.ts';
import { can } from '../permissions.ts';

/** True while security.txt still names the software makers' placeholder. */
function useContactUnset(me: Me): boolean {
  const trpc = useTRPC();
  const info = useQuery(trpc.system.info.queryOptions());
  return can(me, 'privacy.manage') && info.data?.securityContactSet === false;
}

/**
 * On every screen, for admins only: the appliance tells the world to send
 * security reports to an address its owner never chose.
 */
export function DisclosureBanner({ me }: { me: Me }) {
  if (!useContactUnset(me)) return null;
  return (
    <div className="disclosure-banner" role="status" data-testid="disclosure-banner">
      <strong>No security contact is set.</strong> security.txt and the disclosure page
      send reports to the software makers&apos; placeholder address.{' '}
      <a href="#/privacy">How to set yours</a>
    </div>
  );
}

/** Where the disclosure page is linked: what is wrong and which setting fixes it. */
export function DisclosureCard({ me }: { me: Me }) {
  if (!useContactUnset(me)) return null;
  return (
    <section className="card stack" data-testid="disclosure-warning">
      <h2>Security contact not set</h2>
      <p className="note">
        <a href="/.well-known/security.txt">security.txt</a> and the{' '}
        <a href="/disclosure">disclosure page</a> still name the Flowgento project&apos;s
        placeholder address, so a report about this appliance would not reach you. The
        page says so to visitors and makes no promise on your behalf.
      </p>
      <p className="small">
        Set <code>disclosure.contact</code> (and, if you publish one,{' '}
        <code>disclosure.policyUrl</code>) in the appliance&apos;s configuration file,
        then restart it. For example:{' '}
        <code>
          {'"disclosure": { "contact": ["mailto:security@your-company.example"] }'}
        </code>
      </p>
    </section>
  );
}
