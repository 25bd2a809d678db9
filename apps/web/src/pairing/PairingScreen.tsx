import { useQuery } from '@tanstack/react-query';
import { useTRPC, type Me } from '../api.ts';
import { can } from '../permissions.ts';
import { hrefOf } from '../routing.ts';
import { QrCode } from '../security/QrCode.tsx';

/**
 * What an admin shows an agent to pair their browser: the address to open
 * (as text and as a QR code for a phone or tablet) and the CA fingerprint to
 * compare before trusting the appliance's certificate.
 */
export function PairingScreen({ me }: { me: Me }) {
  const trpc = useTRPC();
  const pairing = useQuery(trpc.system.pairing.queryOptions());
  if (!pairing.data) return <p className="muted">Loading…</p>;
  const { agentUrls, caFingerprint256 } = pairing.data;

  return (
    <section className="stack" data-testid="pairing-screen">
      <h1>Pair an agent&apos;s browser</h1>
      {agentUrls.length === 0 ? (
        <p className="card" data-testid="pairing-local-only">
          The appliance listens on this computer only, so agents on the LAN cannot reach
          it. In the desktop app, choose a LAN address at setup; for the headless server,
          set <code>FLOWGENTO_HOST=0.0.0.0</code> (or <code>FLOWGENTO_AGENT_URL</code>)
          and restart.
        </p>
      ) : (
        agentUrls.map((url) => (
          <div className="card stack" key={url} data-testid="pairing-url">
            <p className="small muted">Agents open</p>
            <p>
              <code className="fingerprint">{url}</code>
            </p>
            <QrCode text={url} label={`QR code for ${url}`} />
          </div>
        ))
      )}
      <div className="card stack">
        <p className="small muted">Certificate authority fingerprint (SHA-256)</p>
        <code className="fingerprint" data-testid="pairing-ca-fingerprint">
          {caFingerprint256}
        </code>
        <ol className="small">
          <li>On the agent&apos;s computer, open the address above.</li>
          <li>
            Download the certificate authority from{' '}
            <a href="/ca.crt" download>
              /ca.crt
            </a>{' '}
            and, before installing it, check that its SHA-256 fingerprint is exactly the
            one shown here (the browser or the OS shows it in the certificate&apos;s
            details).
          </li>
          <li>
            Install it as a trusted authority in the browser or the OS, reload, and sign
            in with the account from the agent&apos;s invite (Members → Invite).
          </li>
        </ol>
      </div>
      {can(me, 'backup.kit') && (
        <div className="card stack" data-testid="pairing-recovery-kit">
          <p>
            <strong>Print the recovery kit now.</strong> It holds the backup key (and,
            unless you chose a passphrase, the database key): without it, backups of a
            lost or broken machine cannot be opened.
          </p>
          <p>
            <a href={hrefOf({ screen: 'backup-kit' })}>Open the recovery kit</a>
          </p>
        </div>
      )}
    </section>
  );
}
