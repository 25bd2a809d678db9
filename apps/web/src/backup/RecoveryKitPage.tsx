import { useMutation } from '@tanstack/react-query';
import { useTRPC, type Me, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { fullTime } from '../format.ts';
import { can } from '../permissions.ts';

type Kit = Outputs['backup']['kit'];

/**
 * The printable recovery kit. The kit is fetched only on a click, never on
 * load: each one shown is an audit entry, and a reload should not make one.
 */
export function RecoveryKitPage({ me }: { me: Me }) {
  const trpc = useTRPC();
  const kit = useMutation(trpc.backup.kit.mutationOptions());

  if (!can(me, 'backup.kit')) {
    return (
      <section className="card" data-testid="backup-kit-refused">
        <h1>Only an owner can open the recovery kit</h1>
        <p>
          The kit holds the key that opens every backup, so only an OWNER of this
          appliance may see it. <a href="#/backups">Back to Backups</a>
        </p>
      </section>
    );
  }
  return (
    <article className="kit-page" data-testid="backup-kit-page">
      <h1>Backup recovery kit</h1>
      <p className="note kit-warning">
        Keep this kit offline and apart from the appliance: print it, store the paper in a
        safe place (a safe, a sealed envelope), and do not email, photograph or save it
        beside the backups. Anyone holding it and a copy of the backups can read every
        conversation.
      </p>
      {!kit.data && (
        <p className="no-print">
          <button
            type="button"
            className="primary"
            disabled={kit.isPending}
            onClick={() => kit.mutate()}
          >
            Show the recovery kit
          </button>
        </p>
      )}
      <ErrorNote error={kit.error} testId="backup-kit-error" />
      {kit.data && <KitSheet kit={kit.data} />}
    </article>
  );
}

function KitSheet({ kit }: { kit: Kit }) {
  return (
    <>
      <p className="no-print">
        <button type="button" onClick={() => window.print()}>
          Print
        </button>
      </p>
      <dl className="facts">
        <div>
          <dt>Created</dt>
          <dd>{fullTime(kit.createdAt)}</dd>
        </div>
        <div>
          <dt>Installation</dt>
          <dd>
            <code>{kit.installationId}</code>
          </dd>
        </div>
        <div>
          <dt>Database key</dt>
          <dd>{kit.keyMode === 'file' ? 'key file' : 'passphrase'}</dd>
        </div>
      </dl>
      <section className="kit-section">
        <h2>Backup key</h2>
        <p className="kit-key" data-testid="kit-backup-key">
          {kit.backupKey.text}
        </p>
        <p className="muted small">
          Fingerprint <code>{kit.backupKey.fingerprint}</code>. The last group is a
          checksum: a typo is caught when the key is typed back.
        </p>
      </section>
      <section className="kit-section">
        {kit.rootKey ? (
          <>
            <h2>Database root key (the key file)</h2>
            <p className="kit-key" data-testid="kit-root-key">
              {kit.rootKey.hex}
            </p>
            <p className="muted small">
              Without it, a lost machine cannot be restored: the backups keep the
              database's own encryption.
            </p>
          </>
        ) : (
          <>
            <h2>Database passphrase</h2>
            <p data-testid="kit-root-key">
              Not in this kit. A restore needs it: keep it as safely as this kit.
            </p>
          </>
        )}
      </section>
      <section className="kit-section">
        <h2>Backup tier</h2>
        <ol>
          {kit.backupTier.map((p) => (
            <li key={`${p.name}-${p.location}`}>
              <strong>{p.name}</strong> ({p.kind}) <code>{p.location}</code>
              {p.bucket && (
                <>
                  {' '}
                  bucket <code>{p.bucket}</code>
                </>
              )}
              {p.region && <> region {p.region}</>}
            </li>
          ))}
        </ol>
        <p className="muted small">The providers' access keys are not in this kit.</p>
        {kit.backupTier.some((p) => p.kind === 'local') && (
          <p className="note" data-testid="kit-local-tier-warning">
            The local disk is lost with this machine: ask the operator to add an off-site
            provider to the backup tier.
          </p>
        )}
      </section>
      <section className="kit-section">
        <h2>To restore on a new machine</h2>
        <ol>
          {kit.restoreSteps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
      </section>
    </>
  );
}
