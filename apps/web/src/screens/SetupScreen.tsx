import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { useDesktopSetupCode } from '../desktop-bridge.ts';
import { navigate } from '../routing.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';
import { NewAccountFields } from '../forms/NewAccountFields.tsx';
import { field, readForm } from '../forms/form-data.ts';
import { useSignedIn } from './use-sign-in.ts';
import { AuthCard } from './AuthCard.tsx';

/** First run: the setup code from the appliance's console makes the first OWNER. */
export function SetupScreen() {
  const trpc = useTRPC();
  const signedIn = useSignedIn();
  const desktopCode = useDesktopSetupCode();
  const setup = useMutation(
    trpc.auth.setup.mutationOptions({
      onSuccess: async () => {
        await signedIn();
        // The desktop app's first run goes on to pairing agents and the recovery kit.
        if (desktopCode) navigate({ screen: 'pairing' });
      },
    }),
  );

  return (
    <AuthCard
      testId="setup-screen"
      title="Set up this appliance"
      intro="Enter the setup code printed where the appliance started, then create the workspace and its owner account."
    >
      <form
        className="stack"
        onSubmit={(event) => {
          const v = readForm(event);
          setup.mutate({
            setupCode: field(v, 'setupCode'),
            workspaceName: field(v, 'workspaceName'),
            displayName: field(v, 'displayName'),
            email: field(v, 'email'),
            password: field(v, 'password'),
          });
        }}
      >
        <Field
          // Re-mounted once the desktop app has handed the code over.
          key={desktopCode ?? 'typed'}
          label="Setup code"
          name="setupCode"
          defaultValue={desktopCode ?? ''}
          required
          autoComplete="off"
          spellCheck={false}
        />
        <Field label="Workspace name" name="workspaceName" required maxLength={80} />
        <NewAccountFields />
        <ErrorNote error={setup.error} testId="setup-error" />
        <button type="submit" className="primary" disabled={setup.isPending}>
          {setup.isPending ? 'Creating workspace…' : 'Create workspace'}
        </button>
      </form>
    </AuthCard>
  );
}
