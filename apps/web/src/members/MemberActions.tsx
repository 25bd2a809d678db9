import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Me, type Outputs, type Role } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { roleChoices } from '../permissions.ts';
import { showSignedOut } from '../signed-out.ts';

type Member = Outputs['members']['list'][number];

/**
 * Change role or remove. Changing a role signs that member out everywhere,
 * oneself included; one's own role can only go down, and leaving has its own
 * card below the table.
 */
export function MemberActions({ me, member }: { me: Me; member: Member }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const self = member.userId === me.userId;
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.members.pathKey() });
  const setRole = useMutation(
    trpc.members.setRole.mutationOptions({
      onSuccess: () => (self ? showSignedOut(queryClient) : refresh()),
      onError: () => refresh(),
    }),
  );
  const remove = useMutation(trpc.members.remove.mutationOptions({ onSettled: refresh }));

  // The server refuses ADMINs touching an OWNER; so do we.
  if (member.role === 'OWNER' && me.role !== 'OWNER') {
    return <span className="muted small">Only an owner can change an owner</span>;
  }

  return (
    <div className="row wrap">
      <label className="inline-label">
        <span className="visually-hidden">Role of {member.displayName}</span>
        <select
          value={member.role}
          disabled={setRole.isPending}
          onChange={(e) =>
            setRole.mutate({ userId: member.userId, role: e.target.value as Role })
          }
          data-testid="member-role"
        >
          {roleChoices(me, member).map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </select>
      </label>
      {self ? (
        <span className="muted small">Stepping down signs you out.</span>
      ) : confirming ? (
        <>
          <button
            type="button"
            className="danger"
            onClick={() => remove.mutate({ userId: member.userId })}
            disabled={remove.isPending}
          >
            Confirm removal
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          Remove {member.displayName}
        </button>
      )}
      <ErrorNote error={setRole.error ?? remove.error} />
    </div>
  );
}
