import type { Outputs } from '../api.ts';
import { fullTime } from '../format.ts';
import { CopyButton } from '../forms/CopyButton.tsx';

type NumberView = Outputs['whatsapp']['numbers'][number];

export function NumberCard({
  number,
  onEdit,
}: {
  number: NumberView;
  onEdit: (() => void) | null;
}) {
  return (
    <section className="card" data-testid="number-card">
      <div className="row space-between">
        <h2>
          {number.displayPhoneNumber}{' '}
          {number.simulated && <span className="sim-tag">SIMULATED</span>}
        </h2>
        {onEdit && (
          <button type="button" onClick={onEdit}>
            Edit {number.displayPhoneNumber}
          </button>
        )}
      </div>
      <dl className="facts">
        <dt>Phone number id</dt>
        <dd>
          <code>{number.phoneNumberId}</code>
        </dd>
        <dt>Business account id</dt>
        <dd>
          <code>{number.businessAccountId}</code>
        </dd>
        <dt>Access token</dt>
        <dd>
          <code>{number.accessTokenHint}</code>{' '}
          <span className="muted small">(stored encrypted)</span>
        </dd>
        <dt>Verify token</dt>
        <dd>
          {number.verifyToken === null ? (
            <span className="muted small" data-testid="verify-token-hidden">
              Hidden: only owners and admins see it
            </span>
          ) : (
            <>
              <code data-testid="verify-token">{number.verifyToken}</code>{' '}
              <CopyButton text={number.verifyToken} label="verify token" />
            </>
          )}
        </dd>
        <dt>Updated</dt>
        <dd>{fullTime(number.updatedAt)}</dd>
      </dl>
      {number.simulated && (
        <p className="small muted">
          Lives in the built-in Cloud API simulator; nothing reaches Meta.
        </p>
      )}
    </section>
  );
}
