import type { AuditActor, AuditLog } from '@flowgento/audit';
import {
  AppError,
  MINUTE_MS,
  randomToken,
  type Clock,
  type RequestOrigin,
} from '@flowgento/core';
import { sha256Hex } from '@flowgento/crypto';
import type { MetricsTokenRecord, Store } from '@flowgento/store';

/** Every token starts with this, so a leaked one is recognised in a scan. */
export const METRICS_TOKEN_PREFIX = 'fgm_';
const NAME_MAX = 64;

export interface OperatorActing {
  actor: AuditActor;
  origin: RequestOrigin;
}

/**
 * Bearer tokens for `/metrics`: the operator makes one per scraper
 * (`flowgento metrics token`), sees it once, and only its SHA-256 is kept.
 * Creating and revoking are audited as appliance entries.
 */
export class MetricsTokens {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  create(
    by: OperatorActing,
    name: string,
  ): { token: string; record: MetricsTokenRecord } {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > NAME_MAX) {
      throw new AppError(
        'INVALID_INPUT',
        `A token's name is 1 to ${NAME_MAX} characters`,
        {
          reason: 'metrics_token_name_invalid',
          details: { field: 'name' },
        },
      );
    }
    const token = `${METRICS_TOKEN_PREFIX}${randomToken(32)}`;
    const record = this.store.transaction(() => {
      const created = this.store.metricsTokens.create(trimmed, sha256Hex(token));
      this.audit.record({
        workspaceId: null,
        ...by,
        action: 'metrics.token_created',
        target: { type: 'metrics_token', id: created.id },
        details: { name: trimmed },
      });
      return created;
    });
    return { token, record };
  }

  revoke(by: OperatorActing, id: string): MetricsTokenRecord {
    return this.store.transaction(() => {
      const record = this.store.metricsTokens.get(id);
      if (!record || !this.store.metricsTokens.remove(id)) {
        throw new AppError('NOT_FOUND', `No metrics token ${id}`, {
          reason: 'metrics_token_not_found',
        });
      }
      this.audit.record({
        workspaceId: null,
        ...by,
        action: 'metrics.token_revoked',
        target: { type: 'metrics_token', id },
        details: { name: record.name },
      });
      return record;
    });
  }

  list(): MetricsTokenRecord[] {
    return this.store.metricsTokens.list();
  }

  /** The token's record when `presented` is a live token; its last use noted once a minute. */
  verify(presented: string | undefined): MetricsTokenRecord | undefined {
    if (!presented?.startsWith(METRICS_TOKEN_PREFIX) || presented.length > 100) return;
    const record = this.store.metricsTokens.findByHash(sha256Hex(presented));
    if (!record) return;
    const now = this.clock.now();
    if (record.lastUsedAt === null || now - record.lastUsedAt >= MINUTE_MS) {
      this.store.metricsTokens.touch(record.id, now);
    }
    return record;
  }
}
