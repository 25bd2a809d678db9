import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC, type Me } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { can } from '../permissions.ts';
import { TierCard } from './TierCard.tsx';
import { ProviderHealthPanel } from './ProviderHealth.tsx';

/**
 * Where this workspace's media and backups go, tier by tier. OWNERs may
 * override a tier with providers the appliance has; adding providers and
 * setting the defaults is the operator's, at the command line.
 */
export function StorageScreen({ me }: { me: Me }) {
  const trpc = useTRPC();
  const routing = useQuery(trpc.storage.routing.queryOptions());
  // Counts successful changes: each card drops an old refusal when any
  // tier is saved, since the routing it was about has changed.
  const [saves, setSaves] = useState(0);

  return (
    <div className="page" data-testid="storage-screen">
      <h1>Storage</h1>
      <p className="muted small">
        Each tier goes to its first provider, and to the next ones if that fails. Tiers
        follow the appliance default unless this workspace overrides them. Backups never
        share a bucket or folder with media. Providers are added by the operator with{' '}
        <code>flowgento storage add-s3</code>.
      </p>
      <ErrorNote error={routing.error} />
      {(routing.data?.tiers ?? []).map((tier) => (
        <TierCard
          key={tier.tier}
          routing={tier}
          providers={routing.data?.providers ?? []}
          canManage={can(me, 'storage.manage')}
          saves={saves}
          onSaved={() => setSaves((n) => n + 1)}
        />
      ))}
      <ProviderHealthPanel />
    </div>
  );
}
