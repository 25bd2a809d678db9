import type { Me } from '../api.ts';
import { can } from '../permissions.ts';
import { InviteForm } from './InviteForm.tsx';
import { LeaveWorkspace } from './LeaveWorkspace.tsx';
import { MemberTable } from './MemberTable.tsx';
import { PendingInvites } from './PendingInvites.tsx';

/** The team. Everyone sees it; only managers see the controls. */
export function MembersScreen({ me }: { me: Me }) {
  const mayInvite = can(me, 'members.invite');
  return (
    <div className="page" data-testid="members-screen">
      <h1>Members</h1>
      <MemberTable me={me} />
      {mayInvite && (
        <>
          <InviteForm me={me} />
          <PendingInvites me={me} />
        </>
      )}
      <LeaveWorkspace me={me} />
    </div>
  );
}
