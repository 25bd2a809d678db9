import type { MetricFamily, MetricsCollector } from '@flowgento/core';
import type { WorkspaceScope } from '@flowgento/store';
import type { CopyBackJob, CopyBackReport } from './copy-back.ts';
import type { FailoverTierStore } from './failover-tier-store.ts';
import { recordId } from './places.ts';
import type { ProviderHealthSnapshot } from './provider-health.ts';
import type { ProviderSummary, StorageRouting } from './routing.ts';
import type { StorageTier } from './tiers.ts';

/** A provider's health, named as routing names it (never a key or a bucket). */
export interface ProviderStatus extends ProviderHealthSnapshot, ProviderSummary {}

/** What the Storage page shows of health: the workspace's providers and copy-back. */
export interface WorkspaceStorageStatus {
  providers: ProviderStatus[];
  /** Per tier, how many of the workspace's objects wait to go back to its first provider. */
  awayFromFirst: { tier: StorageTier; firstProvider: string; objects: number }[];
  copyBack: Pick<CopyBackReport, 'startedAt' | 'copied' | 'removed' | 'waiting'> | null;
}

/**
 * Provider health as people and monitoring see it: a workspace sees the
 * providers its own tiers use; `/metrics` (the operator's) sees them all.
 */
export class StorageStatus {
  constructor(
    private readonly routing: StorageRouting,
    private readonly objects: FailoverTierStore,
    private readonly copyBack: CopyBackJob,
  ) {}

  forWorkspace(scope: WorkspaceScope): WorkspaceStorageStatus {
    const tiers = this.routing.effectiveRouting(scope);
    const used = new Map(tiers.flatMap((t) => t.providers).map((p) => [p.id, p]));
    const records = this.objects.recordsOf(scope);
    const last = this.copyBack.lastReport;
    return {
      providers: [...used.values()].map((p) => this.statusOf(p)),
      awayFromFirst: tiers.flatMap(({ tier, providers }) => {
        const first = providers[0];
        if (!first) return [];
        const objects = records.countAwayFrom(tier, recordId(first.id));
        return objects > 0 ? [{ tier, firstProvider: first.name, objects }] : [];
      }),
      copyBack: last && {
        startedAt: last.startedAt,
        copied: last.copied,
        removed: last.removed,
        waiting: last.waiting,
      },
    };
  }

  forAppliance(): ProviderStatus[] {
    return this.routing.providers().map((p) => this.statusOf(p));
  }

  /** Provider health and copy-back for `/metrics`. */
  collector(): MetricsCollector {
    return () => metricsOf(this.forAppliance(), this.copyBack);
  }

  private statusOf(summary: ProviderSummary): ProviderStatus {
    return { ...this.objects.health.snapshot(summary.id), ...summary };
  }
}

const STATES = ['unknown', 'up', 'degraded', 'down'] as const;

function metricsOf(providers: ProviderStatus[], copyBack: CopyBackJob): MetricFamily[] {
  const gauge = (
    name: string,
    help: string,
    value: (p: ProviderStatus) => number | null,
  ): MetricFamily => ({
    name,
    help,
    type: 'gauge',
    samples: providers.flatMap((p) => {
      const v = value(p);
      return v === null ? [] : [{ labels: labelsOf(p), value: v }];
    }),
  });
  return [
    gauge('flowgento_storage_provider_up', '1 unless the provider is down', (p) =>
      p.state === 'down' ? 0 : 1,
    ),
    {
      name: 'flowgento_storage_provider_state',
      help: 'The provider state: unknown, up, degraded or down (1 for the current one)',
      type: 'gauge',
      samples: providers.flatMap((p) =>
        STATES.map((state) => ({
          labels: { ...labelsOf(p), state },
          value: p.state === state ? 1 : 0,
        })),
      ),
    },
    gauge(
      'flowgento_storage_provider_consecutive_failures',
      'Failed operations in a row',
      (p) => p.consecutiveFailures,
    ),
    {
      name: 'flowgento_storage_provider_operations_total',
      help: 'Operations since the appliance started, by outcome',
      type: 'counter',
      samples: providers.flatMap((p) => [
        {
          labels: { ...labelsOf(p), outcome: 'success' },
          value: p.totals.operations - p.totals.failures,
        },
        { labels: { ...labelsOf(p), outcome: 'failure' }, value: p.totals.failures },
      ]),
    },
    {
      name: 'flowgento_storage_provider_latency_seconds',
      help: 'Latency of the last 100 operations, by quantile',
      type: 'gauge',
      samples: providers.flatMap((p) =>
        p.latencyMs === null
          ? []
          : [
              {
                labels: { ...labelsOf(p), quantile: '0.5' },
                value: p.latencyMs.p50 / 1000,
              },
              {
                labels: { ...labelsOf(p), quantile: '0.95' },
                value: p.latencyMs.p95 / 1000,
              },
            ],
      ),
    },
    gauge(
      'flowgento_storage_provider_last_failure_timestamp_seconds',
      'When the provider last failed',
      (p) => (p.lastError ? p.lastError.at / 1000 : null),
    ),
    {
      name: 'flowgento_storage_copy_back_objects_total',
      help: 'Objects the copy-back job moved to their first provider, and failover copies it removed',
      type: 'counter',
      samples: [
        { labels: { action: 'copied' }, value: copyBack.totals.copied },
        { labels: { action: 'removed' }, value: copyBack.totals.removed },
      ],
    },
    {
      name: 'flowgento_storage_copy_back_waiting_objects',
      help: 'Objects the last copy-back run left for later',
      type: 'gauge',
      samples: [{ value: copyBack.lastReport?.waiting ?? 0 }],
    },
  ];
}

function labelsOf(p: ProviderStatus): Record<string, string> {
  return { provider: p.name, kind: p.kind };
}
