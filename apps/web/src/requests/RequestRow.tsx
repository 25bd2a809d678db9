import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { reasonOf, useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { field, readForm } from '../forms/form-data.ts';
import { VerifyForm } from './VerifyForm.tsx';
import {
  instantOfDeadlineDay,
  instantOfPastDay,
  localDayOf as day,
} from './day-times.ts';

type Request = Outputs['requests']['list']['requests'][number];

/** Deadline colours: red past it, amber within a day, yellow within a week. */
const URGENCY_STYLE: Record<Request['urgency'], { color: string; label: string }> = {
  overdue: { color: '#b3261e', label: 'overdue' },
  due_1_day: { color: '#c05600', label: 'due within a day' },
  due_7_days: { color: '#8a6d00', label: 'due within 7 days' },
  on_track: { color: '#2e7d32', label: 'on track' },
  closed: { color: '#666', label: 'closed' },
};

/** One request: its clock, and the next steps its state allows. */
export function RequestRow(props: {
  request: Request;
  manage: boolean;
  exportAllowed: boolean;
}) {
  const { request, manage } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<'extend' | 'refuse' | null>(null);
  const done = {
    onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.requests.pathKey() }),
  };
  const fulfil = useMutation(trpc.requests.fulfil.mutationOptions(done));
  // An erasure the server refused because an open breach names the person.
  const [breachAcknowledged, setBreachAcknowledged] = useState(false);
  const breachWarning = reasonOf(fulfil.error) === 'open_breach_affects_contact';
  const refuse = useMutation(trpc.requests.refuse.mutationOptions(done));
  const extend = useMutation(trpc.requests.extend.mutationOptions(done));
  const urgency = URGENCY_STYLE[request.urgency];
  const closed = request.closedAt !== null;
  const verified = request.verifiedAt !== null;

  return (
    <li data-testid="request" data-request-id={request.id}>
      <strong>{request.requester}</strong> {request.law} {request.kind}{' '}
      <span className="muted">received {day(request.receivedAt)}</span>{' '}
      <span style={{ color: urgency.color }} data-testid="request-due">
        due {day(request.dueAt)} ({urgency.label})
      </span>{' '}
      <span className="badge" data-testid="request-status">
        {request.status}
      </span>
      {verified && (
        <span className="muted small">
          {' '}
          identity: {request.verificationMethod}
          {request.contact && (
            <span data-testid="request-contact">
              ; linked to {request.contact.name ?? 'a contact with no name'}
              {request.contact.maskedNumber && ` (${request.contact.maskedNumber})`}
            </span>
          )}
        </span>
      )}
      {request.refusalReason && (
        <span className="muted small">
          {' '}
          refused: {request.refusalReason}; complaints to {request.refusalAuthority}
        </span>
      )}
      {!closed && manage && (
        <div className="stack">
          {!verified && <VerifyForm requestId={request.id} />}
          <div>
            {request.kind === 'access' && verified && props.exportAllowed && (
              <a
                className="button"
                href={`/api/requests/${encodeURIComponent(request.id)}/export`}
                download
                onClick={() => setTimeout(() => void done.onSuccess(), 2_000)}
                data-testid="download-export"
              >
                Download export
              </a>
            )}
            {request.kind !== 'access' && (
              <button
                type="button"
                onClick={() =>
                  fulfil.mutate({
                    requestId: request.id,
                    acknowledgeOpenBreach: breachAcknowledged,
                  })
                }
                disabled={breachWarning && !breachAcknowledged}
              >
                Close as done
              </button>
            )}
            {request.law === 'GDPR' && request.extendedUntil === null && (
              <button type="button" onClick={() => setOpen('extend')}>
                Extend
              </button>
            )}
            <button type="button" onClick={() => setOpen('refuse')}>
              Refuse
            </button>
          </div>
          {open === 'extend' && (
            <form
              className="stack"
              onSubmit={(event) => {
                const v = readForm(event);
                extend.mutate({
                  requestId: request.id,
                  toldAt: instantOfPastDay(field(v, 'toldOn')),
                  until: instantOfDeadlineDay(field(v, 'until'), request.extensionLimit),
                  reason: field(v, 'reason'),
                });
              }}
            >
              <label>
                Requester told on <input name="toldOn" type="date" required />
              </label>
              <label>
                New deadline <input name="until" type="date" required />
              </label>
              <label>
                Reason <input name="reason" required maxLength={1000} />
              </label>
              <button type="submit">Record extension</button>
            </form>
          )}
          {open === 'refuse' && (
            <form
              className="stack"
              onSubmit={(event) => {
                const v = readForm(event);
                refuse.mutate({ requestId: request.id, reason: field(v, 'reason') });
              }}
            >
              <label>
                Reason for refusing <input name="reason" required maxLength={2000} />
              </label>
              <button type="submit" className="danger">
                Refuse request
              </button>
            </form>
          )}
          {breachWarning && (
            <label className="small" data-testid="request-erase-breach">
              <input
                type="checkbox"
                checked={breachAcknowledged}
                onChange={(e) => setBreachAcknowledged(e.target.checked)}
              />{' '}
              I know this person cannot be sent the breach notice once erased; erase
              anyway
            </label>
          )}
          <ErrorNote
            error={fulfil.error ?? refuse.error ?? extend.error}
            testId="request-error"
          />
        </div>
      )}
      {refuse.data && (
        <div className="field">
          <label htmlFor={`notice-${request.id}`}>Send the person this notice</label>
          <textarea
            id={`notice-${request.id}`}
            readOnly
            rows={4}
            value={refuse.data.notice}
            data-testid="refusal-notice"
          />
        </div>
      )}
    </li>
  );
}
