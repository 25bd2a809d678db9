import type { Outputs } from '../api.ts';
import { fullTime } from '../format.ts';

type Entry = Outputs['audit']['list'][number];

export function AuditRow({ entry }: { entry: Entry }) {
  const actor = entry.actorLabel ?? entry.actorId ?? entry.actorType;
  const details = Object.entries(entry.details);
  return (
    <tr data-testid="audit-row">
      <td
        className="nowrap"
        title={entry.requestId ? `Request ${entry.requestId}` : undefined}
      >
        {fullTime(entry.at)}
      </td>
      <td>
        {actor}
        {entry.actorType !== 'user' && (
          <span className="muted small"> ({entry.actorType})</span>
        )}
      </td>
      <td>
        <code>{entry.action}</code>
        {details.length > 0 && (
          <span className="audit-details muted small">
            {details.map(([key, value]) => `${key}: ${String(value)}`).join(' · ')}
          </span>
        )}
      </td>
      <td className={entry.outcome === 'failure' ? 'outcome-failure' : 'outcome-success'}>
        {entry.outcome === 'failure' ? 'Failed' : 'Succeeded'}
      </td>
      <td>
        {entry.targetType ? (
          <span title={entry.targetId ?? undefined}>
            {entry.targetType.replace(/_/g, ' ')}{' '}
            {/* Ids are time-ordered UUIDs: their tail tells rows apart; the tooltip has all. */}
            {entry.targetId && (
              <code className="muted">
                {entry.targetType === 'procedure'
                  ? entry.targetId
                  : `…${entry.targetId.slice(-8)}`}
              </code>
            )}
          </span>
        ) : (
          '—'
        )}
      </td>
      <td className="nowrap">{entry.ip ?? '—'}</td>
      <td className="user-agent" title={entry.userAgent ?? undefined}>
        {entry.userAgent ?? '—'}
      </td>
    </tr>
  );
}
