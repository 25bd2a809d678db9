import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';
import { field, readForm } from '../forms/form-data.ts';
import { RecoveryCodes } from './RecoveryCodes.tsx';
import { TwoFactorSetup } from './TwoFactorSetup.tsx';

/** This member's two-factor sign-in: set it up, or turn it off and renew codes. */
export function TwoFactorPanel() {
  const trpc = useTRPC();
  const status = useQuery(trpc.twoFactor.status.queryOptions());
  const [codes, setCodes] = useState<string[] | null>(null);

  return (
    <section className="card" data-testid="two-factor">
      <h2>Two-factor sign-in</h2>
      <ErrorNote error={status.error} />
      {codes ? (
        <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />
      ) : status.data?.enabled ? (
        <EnabledControls
          codesLeft={status.data.recoveryCodesLeft}
          required={status.data.requiredForMe}
          onCodes={setCodes}
        />
      ) : status.data ? (
        <>
          {status.data.requiredForMe && (
            <p className="note" role="status">
              Your workspace requires two-factor sign-in for your role. Set it up to
              continue.
            </p>
          )}
          <TwoFactorSetup onEnabled={setCodes} />
        </>
      ) : null}
    </section>
  );
}

function EnabledControls({
  codesLeft,
  required,
  onCodes,
}: {
  codesLeft: number;
  required: boolean;
  onCodes: (codes: string[]) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries();
  const disable = useMutation(
    trpc.twoFactor.disable.mutationOptions({ onSuccess: refresh }),
  );
  const renew = useMutation(
    trpc.twoFactor.regenerateRecoveryCodes.mutationOptions({
      onSuccess: async ({ recoveryCodes }) => {
        onCodes(recoveryCodes);
        await refresh();
      },
    }),
  );
  const [action, setAction] = useState<'disable' | 'renew'>('renew');

  return (
    <form
      className="stack"
      onSubmit={(event) => {
        const code = field(readForm(event), 'code');
        if (action === 'disable') disable.mutate({ code });
        else renew.mutate({ code });
      }}
    >
      <p data-testid="two-factor-on">
        Two-factor sign-in is on. {codesLeft} recovery code{codesLeft === 1 ? '' : 's'}{' '}
        left.
      </p>
      <Field
        label="Current code"
        name="code"
        required
        autoComplete="one-time-code"
        hint="From your authenticator app; needed for either change below."
      />
      <ErrorNote error={disable.error ?? renew.error} />
      <div className="row wrap">
        <button type="submit" onClick={() => setAction('renew')}>
          New recovery codes
        </button>
        {!required && (
          <button
            type="submit"
            className="danger"
            onClick={() => setAction('disable')}
            data-testid="two-factor-disable"
          >
            Turn off
          </button>
        )}
      </div>
    </form>
  );
}
