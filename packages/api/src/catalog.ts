import type { AnyRouter } from '@trpc/server';
import { appRouter } from './router.ts';
import type { AuditDeclaration, ProcedureMeta, Requirement } from './trpc.ts';

export interface ProcedureEntry {
  /** The dotted path a client calls, e.g. `members.invite`. */
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  /** Undefined only for a procedure that forgot to declare; `enforce` refuses it. */
  requires: Requirement | undefined;
  /** What a mutation declares it writes to the audit log. */
  audits: AuditDeclaration | undefined;
}

interface ProcedureDef {
  _def: { type: ProcedureEntry['type']; meta?: ProcedureMeta };
}

/**
 * Every procedure of a router with what it declares it requires, so tests
 * and documentation can walk the API without a hand-kept list.
 */
export function procedureCatalog(router: AnyRouter = appRouter): ProcedureEntry[] {
  const procedures = router._def.procedures as Record<string, ProcedureDef>;
  return Object.entries(procedures)
    .map(([path, procedure]) => ({
      path,
      type: procedure._def.type,
      requires: procedure._def.meta?.requires,
      audits: procedure._def.meta?.audits,
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}
