import type { RequestOrigin } from '@flowgento/core';
import type { AuditActor } from '@flowgento/audit';
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
