import { initTRPC, type TRPCError } from '@trpc/server';
import { roleAllows, type Permission } from '@flowgento/access';
import type { AuditAction } from '@flowgento/audit';
import { AppError } from '@flowgento/core';
import type { ApiContext } from './context.ts';
import { appErrorOf, describeZodIssues, toTrpcError } from './errors.ts';
import { inputProblemsOf } from './input-errors.ts';

/**
 * What a procedure needs: a permission from the matrix, `authenticated` (any
 * member of the workspace), `signed-in` (any member, or a support person
 * under an OWNER's grant), or `public`. A procedure that declares nothing is
 * refused.
 */
export type Requirement = Permission | 'authenticated' | 'signed-in' | 'public';

export interface ProcedureMeta {
  /** Optional only so that `.meta({ audits })` can add to a base; undeclared is refused. */
  requires?: Requirement;
  /**
   * Open to a member who still owes their workspace a second factor (their
   * own sessions and sign-in settings); every other procedure waits for it.
   */
  beforeSecondFactor?: true;
  /**
   * What a mutation writes to the audit log. `writes`: a successful call
   * writes exactly one entry with one of these actions, in the transaction
   * of the change itself (see docs/AUDIT.md); `none`: why it writes none.
   * Every mutation declares one or the other; the audit catalogue test
   * holds each to it.
   */
  audits?: AuditDeclaration;
}

export type AuditDeclaration = { writes: readonly AuditAction[] } | { none: string };

/** A successful call writes exactly one entry, with one of `actions`. */
export function writes(...actions: AuditAction[]): AuditDeclaration {
  return { writes: actions };
}

/** A mutation that changes nothing a security review asks about, and why. */
export function notAudited(reason: string): AuditDeclaration {
  return { none: reason };
}

const t = initTRPC
  .context<ApiContext>()
  .meta<ProcedureMeta>()
  .create({
    errorFormatter({ shape, error }) {
      const app = appErrorOf(error);
      const zodMessage =
        error.code === 'BAD_REQUEST' ? describeZodIssues(error.cause) : undefined;
      const appField = app?.details?.field;
      // A failure that is not ours (a database error, a bug) says nothing of
      // itself to the client; the transport logs it with the request id.
      const hidden =
        error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal error' : undefined;
      return {
        message: zodMessage ?? hidden ?? shape.message,
        code: shape.code,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          reason: app?.reason ?? null,
          // The refused input's path (`privacyContact.email`), for a form to
          // mark the field; the message already names it in words.
          field: zodMessage
            ? (inputProblemsOf(error.cause)?.[0]?.field ?? null)
            : typeof appField === 'string'
              ? appField
              : null,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Deny by default: checks the declared requirement before the resolver (and
 * before input parsing, so a refused call learns nothing about its input). A
 * signed-in member's refusal is audited; an anonymous one is only logged by
 * the transport, so anonymous traffic cannot grow the audit log.
 */
const enforce = t.middleware(async ({ ctx, meta, path, next }) => {
  const requires = meta?.requires;
  const refuse = (message: string) => {
    if (ctx.auth) {
      ctx.services.access.recordDenied(
        ctx.auth,
        { procedure: path, requires: requires ?? 'undeclared' },
        ctx.origin,
      );
    }
    return toTrpcError(
      new AppError('FORBIDDEN', message, { reason: 'permission_denied' }),
    );
  };
  if (!requires) throw refuse('This procedure declares no permission');
  if (requires !== 'public') {
    if (!ctx.auth) throw signInFirst();
    if (requires === 'authenticated' && ctx.auth.support) {
      // A member's own account (sessions, two-factor, leaving) is no one else's.
      throw refuse('Support access does not include member self-service');
    }
    if (
      requires !== 'authenticated' &&
      requires !== 'signed-in' &&
      !roleAllows(ctx.auth.role, requires)
    ) {
      throw refuse(`Your role (${ctx.auth.role}) does not allow ${requires}`);
    }
    if (!meta.beforeSecondFactor && ctx.services.twoFactor.isMissingFor(ctx.auth)) {
      throw toTrpcError(
        new AppError(
          'PRECONDITION_FAILED',
          'This workspace requires two-factor sign-in for your role: set it up under Security first',
          { reason: 'two_factor_required' },
        ),
      );
    }
  }
  const result = await next();
  // Every call under support access is written down, reads included, with
  // how it ended.
  if (ctx.auth?.support) {
    ctx.services.access.support.recordUse(
      ctx.auth,
      path,
      ctx.origin,
      result.ok ? 'success' : 'failure',
    );
  }
  if (!result.ok) {
    const app = appErrorOf(result.error.cause);
    // A rule of the law, the service or the workspace (a legal hold, a
    // deadline, a closed service window, no marketing consent, the last
    // OWNER) refused a member who may act: its own entry naming the rule, so
    // no one reads it as a permission failure. A precondition is never a
    // question of permission, whichever of the two codes it was raised with.
    if (app && ctx.auth && RULE_REFUSALS.has(app.code)) {
      ctx.services.access.recordRuleRefusal(
        ctx.auth,
        { procedure: path, rule: app.reason ?? 'rule_refused' },
        ctx.origin,
      );
    }
    // The service refused a member on permission grounds (an ADMIN touching
    // an OWNER, …): written down like a matrix refusal.
    else if (app && ctx.auth && app.code === 'FORBIDDEN') {
      ctx.services.access.recordDenied(
        ctx.auth,
        { procedure: path, requires: requires ?? 'undeclared', reason: app.reason },
        ctx.origin,
      );
    }
    if (app) throw toTrpcError(app);
  }
  return result;
});

const RULE_REFUSALS: ReadonlySet<string> = new Set([
  'RULE_REFUSED',
  'PRECONDITION_FAILED',
]);

const base = t.procedure.use(enforce);

export const publicProcedure = base.meta({ requires: 'public' });
export const memberProcedure = base.meta({ requires: 'authenticated' });
/** Anyone signed in, a support person included (signing out). */
export const signedInProcedure = base.meta({
  requires: 'signed-in',
  beforeSecondFactor: true,
});
/** Any member, even one who still has to set up a required second factor. */
export const selfServiceProcedure = base.meta({
  requires: 'authenticated',
  beforeSecondFactor: true,
});

/** A procedure open to the roles whose permissions include `permission`. */
export function allow(permission: Permission, audits?: AuditDeclaration) {
  return base.meta({ requires: permission, ...(audits && { audits }) });
}

/** The caller's identity, for procedures that passed `enforce`. */
export function authOf(ctx: ApiContext) {
  if (!ctx.auth) throw signInFirst();
  return ctx.auth;
}

function signInFirst(): TRPCError {
  return toTrpcError(
    new AppError('UNAUTHENTICATED', 'Sign in first', { reason: 'sign_in_required' }),
  );
}
