import { useId, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Me, type Role } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';
import { fullTime } from '../format.ts';
import { assignableRoles } from '../permissions.ts';

/**
 * Creates a single-use invite. The server stores only a hash of the code, so
 * the link is shown here once and never again.
 */
export function InviteForm({ me }: { me: Me }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const roleId = useId();
  const [role, setRole] = useState<Role>('AGENT');
  const [email, setEmail] = useState('');
  const invite = useMutation(
    trpc.members.invite.mutationOptions({
      onSuccess: () => {
        setEmail('');
        void queryClient.invalidateQueries({
          queryKey: trpc.members.pendingInvites.queryKey(),
        });
      },
    }),
  );
  const link = invite.data
    ? `${location.origin}/#/invite/${encodeURIComponent(invite.data.code)}`
    : null;

  return (
    <section className="card">
      <h2>Invite a member</h2>
      <form
        className="row wrap align-end"
        onSubmit={(event) => {
          event.preventDefault();
          invite.mutate({ role, email: email.trim() || null });
        }}
      >
        <div className="field">
          <label htmlFor={roleId}>Role</label>
          <select
            id={roleId}
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            data-testid="invite-role"
          >
            {assignableRoles(me).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <Field
          label="Email (optional)"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          hint="If given, only this address can use the invite."
        />
        <button
          type="submit"
          className="primary"
          disabled={invite.isPending}
          data-testid="invite-create"
        >
          {invite.isPending ? 'Creating…' : 'Create invite link'}
        </button>
      </form>
      <ErrorNote error={invite.error} />
      {link && invite.data && (
        <div className="invite-result" role="status">
          <Field
            label="Invite link — copy it now, it is shown only once"
            value={link}
            readOnly
            onFocus={(e) => e.currentTarget.select()}
            data-testid="invite-link"
            hint={`Expires ${fullTime(invite.data.expiresAt)}. Send it over a channel you trust.`}
          />
        </div>
      )}
    </section>
  );
}
