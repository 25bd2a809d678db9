import { AppError, isAppError, type Clock, type RequestOrigin } from '@flowgento/core';
import { sha256Hex } from '@flowgento/crypto';
import type { Store } from '@flowgento/store';
import type { AuditAction, AuditLog } from '@flowgento/audit';
import { actorOf, type AuthContext } from './auth-context.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { CallerRole } from './permissions.ts';
import { humanCode, normalizeCode } from './codes.ts';
import { base32, fromBase32, matchTotp, newTotpSecret, otpauthUri } from './totp.ts';

/** Wraps secrets under the secrets key (structurally the messaging SecretBox). */
export interface SecretWrapper {
  wrap(plaintext: string, aad: string): Buffer;
  unwrapText(blob: Buffer, aad: string): string;
}

const RECOVERY_CODES = 10;
const ISSUER = 'Flowgento';
/** The roles a workspace's "require two-factor" setting applies to. */
const GUARDED_ROLES: ReadonlySet<CallerRole> = new Set(['OWNER', 'ADMIN']);

const aad = {
  secret: (userId: string) => `two_factor/${userId}/secret`,
  pending: (userId: string) => `two_factor/${userId}/pending`,
};

export interface Enrollment {
  /** The base32 secret, for typing into an app by hand. */
  secret: string;
  /** The otpauth:// link a QR code carries. */
  uri: string;
}

export interface SecondFactorStatus {
  enabled: boolean;
  recoveryCodesLeft: number;
  /** Whether the caller's workspace requires it of the caller's role. */
  requiredForMe: boolean;
  workspaceRequires: boolean;
}

/**
 * TOTP two-factor sign-in with one-time recovery codes. A secret becomes
 * active only once a code from it has been typed back, and recovery codes
 * are shown once and stored as hashes.
 */
export class TwoFactorService {
  constructor(
    private readonly store: Store,
    private readonly secrets: SecretWrapper,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    /** The sign-in throttle: wrong codes here count like wrong passwords. */
    private readonly throttle: LoginThrottle,
  ) {}

  isEnabled(userId: string): boolean {
    return this.store.twoFactor.get(userId)?.enabledAt != null;
  }

  /** True when the workspace requires a second factor of this role and it is missing. */
  isMissingFor(auth: Pick<AuthContext, 'userId' | 'role' | 'scope'>): boolean {
    return (
      GUARDED_ROLES.has(auth.role) &&
      this.store.in(auth.scope).settings.requiresTwoFactor() &&
      !this.isEnabled(auth.userId)
    );
  }

  status(auth: AuthContext): SecondFactorStatus {
    const workspaceRequires = this.store.in(auth.scope).settings.requiresTwoFactor();
    return {
      enabled: this.isEnabled(auth.userId),
      recoveryCodesLeft: this.store.twoFactor.recoveryCodesLeft(auth.userId),
      requiredForMe: workspaceRequires && GUARDED_ROLES.has(auth.role),
      workspaceRequires,
    };
  }

  /** A new secret, pending until confirmed with a code; replaces an earlier pending one. */
  begin(auth: AuthContext): Enrollment {
    if (this.isEnabled(auth.userId)) {
      throw new AppError(
        'CONFLICT',
        'Two-factor sign-in is already on; turn it off first',
        {
          reason: 'two_factor_already_enabled',
        },
      );
    }
    const secret = newTotpSecret();
    const encoded = base32(secret);
    this.store.transaction(() =>
      this.store.twoFactor.setPending(
        auth.userId,
        this.secrets.wrap(encoded, aad.pending(auth.userId)),
      ),
    );
    return { secret: encoded, uri: otpauthUri(secret, auth.email, ISSUER) };
  }

  /** Turns two-factor on with a code from the pending secret; returns the recovery codes, once. */
  confirm(auth: AuthContext, code: string, origin: RequestOrigin): string[] {
    return this.store.transaction(() => {
      const record = this.store.twoFactor.get(auth.userId);
      if (!record?.pendingWrapped || record.enabledAt != null) {
        throw new AppError('PRECONDITION_FAILED', 'Start setting up two-factor first', {
          reason: 'two_factor_not_pending',
        });
      }
      const encoded = this.secrets.unwrapText(
        record.pendingWrapped,
        aad.pending(auth.userId),
      );
      const step = matchTotp(fromBase32(encoded), code, this.clock.now(), null);
      if (step === null) throw wrongCode();
      this.store.twoFactor.enable(
        auth.userId,
        this.secrets.wrap(encoded, aad.secret(auth.userId)),
        step,
      );
      const codes = this.newRecoveryCodes(auth.userId);
      this.record(auth, 'two_factor.enabled', origin);
      return codes;
    });
  }

  /** Turns two-factor off, proved by a current code or a recovery code. */
  disable(auth: AuthContext, code: string, origin: RequestOrigin): void {
    this.withCodeCheck(auth, origin, () =>
      this.store.transaction(() => {
        if (!this.isEnabled(auth.userId)) {
          throw new AppError('PRECONDITION_FAILED', 'Two-factor sign-in is not on', {
            reason: 'two_factor_not_enabled',
          });
        }
        const settings = this.store.in(auth.scope).settings;
        if (GUARDED_ROLES.has(auth.role) && settings.requiresTwoFactor()) {
          throw new AppError(
            'PRECONDITION_FAILED',
            'This workspace requires two-factor sign-in for your role',
            { reason: 'two_factor_required' },
          );
        }
        if (!this.verify(auth.userId, code)) throw wrongCode();
        this.store.twoFactor.remove(auth.userId);
        this.record(auth, 'two_factor.disabled', origin);
      }),
    );
  }

  /** Replaces every recovery code, proved by a current code; returns the new ones, once. */
  regenerateRecoveryCodes(
    auth: AuthContext,
    code: string,
    origin: RequestOrigin,
  ): string[] {
    return this.withCodeCheck(auth, origin, () =>
      this.store.transaction(() => {
        if (
          !this.isEnabled(auth.userId) ||
          !this.verify(auth.userId, code, 'totp-only')
        ) {
          throw wrongCode();
        }
        const codes = this.newRecoveryCodes(auth.userId);
        this.record(auth, 'two_factor.recovery_codes_replaced', origin);
        return codes;
      }),
    );
  }

  /**
   * Runs a change that a current code must prove, under the sign-in
   * throttle: while the account waits it is refused before the code is
   * looked at, and a wrong code counts as a failed sign-in and is audited,
   * so a stolen session cannot guess its way to a code.
   */
  private withCodeCheck<T>(auth: AuthContext, origin: RequestOrigin, change: () => T): T {
    const keys = this.throttle.keysFor(auth.email, origin.ip);
    const release = this.throttle.admit(keys);
    try {
      const result = change();
      this.store.transaction(() => this.throttle.recordSuccess(keys));
      return result;
    } catch (error) {
      if (isAppError(error) && error.reason === 'two_factor_code_rejected') {
        this.store.transaction(() => {
          const wait = this.throttle.recordFailure(keys);
          this.audit.record({
            workspaceId: auth.workspaceId,
            actor: actorOf(auth),
            action: 'two_factor.code_rejected',
            outcome: 'failure',
            target: { type: 'user', id: auth.userId },
            origin,
            details: { waitSeconds: Math.ceil(wait / 1000) },
          });
        });
      }
      throw error;
    } finally {
      release();
    }
  }

  /** OWNER setting: OWNERs and ADMINs must use a second factor. Turning it on needs your own. */
  setRequired(auth: AuthContext, required: boolean, origin: RequestOrigin): void {
    this.store.transaction(() => {
      if (required && !this.isEnabled(auth.userId)) {
        throw new AppError(
          'PRECONDITION_FAILED',
          'Turn on two-factor sign-in for yourself before requiring it of others',
          { reason: 'two_factor_not_enabled' },
        );
      }
      this.store.in(auth.scope).settings.setRequireTwoFactor(required);
      this.record(
        auth,
        required ? 'workspace.two_factor_required' : 'workspace.two_factor_optional',
        origin,
        { type: 'workspace', id: auth.workspaceId },
      );
    });
  }

  /**
   * Checks a code typed at sign-in or for a sensitive change: a TOTP code
   * newer than the last one accepted, or an unused recovery code (spent by
   * this call). Runs inside the caller's transaction.
   */
  verify(userId: string, typed: string, accept: 'any' | 'totp-only' = 'any'): boolean {
    const record = this.store.twoFactor.get(userId);
    if (!record?.secretWrapped || record.enabledAt == null) return false;
    const secret = fromBase32(
      this.secrets.unwrapText(record.secretWrapped, aad.secret(userId)),
    );
    const step = matchTotp(secret, typed, this.clock.now(), record.lastStep);
    if (step !== null) {
      this.store.twoFactor.recordAcceptedStep(userId, step);
      return true;
    }
    if (accept === 'totp-only') return false;
    const normalized = normalizeCode(typed);
    if (normalized.length !== RECOVERY_CODE_LENGTH) return false;
    return this.store.twoFactor.useRecoveryCode(userId, sha256Hex(normalized));
  }

  private newRecoveryCodes(userId: string): string[] {
    const codes = Array.from({ length: RECOVERY_CODES }, () =>
      humanCode(RECOVERY_CODE_GROUPS),
    );
    this.store.twoFactor.replaceRecoveryCodes(
      userId,
      codes.map((code) => sha256Hex(normalizeCode(code))),
    );
    return codes;
  }

  private record(
    auth: AuthContext,
    action: AuditAction,
    origin: RequestOrigin,
    target: { type: string; id: string } = { type: 'user', id: auth.userId },
  ): void {
    this.audit.record({
      workspaceId: auth.workspaceId,
      actor: actorOf(auth),
      action,
      target,
      origin,
    });
  }
}

/** Groups of four characters in a recovery code (about 60 bits). */
const RECOVERY_CODE_GROUPS = 3;
/** As `normalizeCode` writes one back: the groups joined by dashes. */
const RECOVERY_CODE_LENGTH = RECOVERY_CODE_GROUPS * 5 - 1;

// INVALID_INPUT, not UNAUTHENTICATED: the member is signed in, only the code is off.
const wrongCode = () =>
  new AppError('INVALID_INPUT', 'That code is wrong or was already used', {
    reason: 'two_factor_code_rejected',
  });
