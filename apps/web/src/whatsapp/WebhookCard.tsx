import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { CopyButton } from '../forms/CopyButton.tsx';

/**
 * The callback URL to paste into Meta's dashboard. It comes from the
 * configured public URL (`webhook.publicUrl`): the address the agents use on
 * the LAN is not one Meta can reach, so without it the page says what to set.
 */
export function WebhookCard() {
  const trpc = useTRPC();
  const webhook = useQuery(trpc.whatsapp.webhook.queryOptions());
  const data = webhook.data;
  return (
    <section className="card" data-testid="webhook-card">
      <h2>Webhook for Meta's dashboard</h2>
      <p className="small">
        In the Meta app's WhatsApp configuration, paste this callback URL and the number's
        verify token shown below.
      </p>
      <p>
        <span className="muted small">Callback URL</span>
        <br />
        {data?.callbackUrl ? (
          <>
            <code data-testid="callback-url">{data.callbackUrl}</code>{' '}
            <CopyButton text={data.callbackUrl} label="callback URL" />
          </>
        ) : (
          <span className="small" data-testid="callback-url-missing">
            No public URL is set. Publish the webhook through a reverse proxy or tunnel,
            then set <code>webhook.publicUrl</code> (or{' '}
            <code>FLOWGENTO_WEBHOOK_PUBLIC_URL</code>) to its https:// address; the
            callback URL is that address followed by <code>{data?.path}</code>.
          </span>
        )}
      </p>
      {data && !data.ownListener && (
        <p className="small muted">
          The webhook is served on the appliance's main port only. A listener of its own (
          <code>webhook.port</code>) lets you publish the webhook alone.
        </p>
      )}
    </section>
  );
}
