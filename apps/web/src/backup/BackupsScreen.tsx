import { useQuery } from '@tanstack/react-query';
import { useTRPC, type Me } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { can } from '../permissions.ts';
import { BackupStatusPanel } from './BackupStatusPanel.tsx';
import { KitCard } from './KitCard.tsx';
import { ScheduleForm } from './ScheduleForm.tsx';

/** How often the status is refreshed while the page is open. */
const STATUS_REFRESH_MS = 15_000;

/**
 * The appliance's backups: how they stand, how long they are kept, and
 * (for an OWNER) the recovery kit. Backups cover the whole appliance.
 */
export function BackupsScreen({ me }: { me: Me }) {
  const trpc = useTRPC();
  const status = useQuery(
    trpc.backup.status.queryOptions(undefined, { refetchInterval: STATUS_REFRESH_MS }),
  );
  return (
    <div className="page" data-testid="backups-screen">
      <h1>Backups</h1>
      <ErrorNote error={status.error} />
      {status.data && (
        <>
          <BackupStatusPanel status={status.data.status} />
          <ScheduleForm
            schedule={status.data.schedule}
            canManage={can(me, 'backup.manage')}
          />
          {status.data.keyFingerprint && (
            <p className="muted small">
              Backup key fingerprint: <code>{status.data.keyFingerprint}</code>
            </p>
          )}
          {can(me, 'backup.kit') && <KitCard />}
        </>
      )}
    </div>
  );
}
