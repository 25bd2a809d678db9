import { hrefOf } from '../routing.ts';

/** Where the OWNER opens the recovery kit, with how to keep it. */
export function KitCard() {
  return (
    <section className="card" data-testid="backup-kit-card">
      <h2>Recovery kit</h2>
      <p>
        The kit holds the backup key (and, with a key file, the database key): without it,
        backups of a lost machine cannot be read. Print it once, keep the paper offline
        and away from the appliance and the backups (a safe, a sealed envelope), and do
        not email, photograph or store it beside the backups. Opening it is written in the
        audit log.
      </p>
      <a
        className="button"
        href={hrefOf({ screen: 'backup-kit' })}
        target="_blank"
        rel="noopener"
        data-testid="open-backup-kit"
      >
        Open the recovery kit
      </a>
    </section>
  );
}
