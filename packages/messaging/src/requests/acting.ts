import type { RequestOrigin } from '@flowgento/core';
import type { AccessActor, AuditActor } from '@flowgento/audit';
import type { WorkspaceScope } from '@flowgento/store';

/**
 * Who does a compliance step: a member through the API, or the operator at
 * the command line (a system actor, since the CLI signs no one in).
 */
export interface ComplianceActing {
  scope: WorkspaceScope;
  actor: AuditActor;
  origin: RequestOrigin;
}

/** The member's id for the desk's own columns; null for the operator. */
export function memberIdOf(acting: ComplianceActing): string | null {
  return acting.actor.type === 'user' ? acting.actor.id : null;
}

/**
 * Who the access log names for a step: the member, or the operator's
 * system actor by its label (the command line signs no one in).
 */
export function accessActorOf(actor: AuditActor): AccessActor {
  if (actor.type === 'user') return { id: actor.id, label: actor.label };
  const label = actor.label ?? actor.type;
  return { id: `${actor.type}:${label}`, label };
}
