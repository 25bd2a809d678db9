export * from './context.ts';
export * from './router.ts';
export * from './errors.ts';
export {
  createCallerFactory,
  type AuditDeclaration,
  type ProcedureMeta,
  type Requirement,
} from './trpc.ts';
export * from './catalog.ts';
export * from './audit-filters.ts';
