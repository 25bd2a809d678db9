import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorText, useTRPC, type Me } from '../api.ts';
import { showSignedOut } from '../signed-out.ts';
import { CertificateInfo } from './CertificateInfo.tsx';

export function Header({ me }: { me: Me }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({ onSuccess: () => showSignedOut(queryClient) }),
  );

  return (
    <header className="app-header">
      <div className="workspace" data-testid="workspace-name">
        {me.workspaceName}
      </div>
      <div className="header-tools">
        <CertificateInfo />
        <span className="who" data-testid="current-member">
          {me.displayName}{' '}
          <span className={`role role-${me.role.toLowerCase()}`}>{me.role}</span>
        </span>
        <button
          type="button"
          onClick={() => logout.mutate()}
          disabled={logout.isPending}
          title={logout.error ? errorText(logout.error) : undefined}
          data-testid="sign-out"
        >
          Sign out
        </button>
      </div>
    </header>
  );
}
