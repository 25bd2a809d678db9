import { isIP } from 'node:net';

/**
 * The address a request came from, as audit entries and rate limits use it.
 *
 * The socket's peer is the answer unless that peer is a proxy the operator
 * listed. Then `X-Forwarded-For` is read from the right: each listed proxy
 * appends the address it saw, so the right-most entry that is not a listed
 * proxy is the first hop nobody we trust vouches for. Entries further left
 * are whatever the client chose to send and are never believed.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: ReadonlySet<string>,
): string | null {
  const socketAddress = peer === undefined ? null : plainAddress(peer);
  if (socketAddress === null || !trustedProxies.has(socketAddress)) return socketAddress;

  const hops = (
    Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '')
  )
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  for (const hop of hops.reverse()) {
    const address = plainAddress(hop);
    // A listed proxy always appends a real address; anything else here means
    // the header was not written by one, so the proxy itself is the answer.
    if (address === null || isIP(address) === 0) return socketAddress;
    if (!trustedProxies.has(address)) return address;
  }
  return socketAddress;
}

/** The set of proxies to believe, with IPv4-mapped IPv6 forms folded to IPv4. */
export function trustedProxySet(addresses: readonly string[]): ReadonlySet<string> {
  return new Set(addresses.map((address) => plainAddress(address) ?? address));
}

/** `::ffff:10.0.0.1` is how Node reports IPv4 peers on a dual-stack socket. */
function plainAddress(address: string): string | null {
  if (address === '') return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address.toLowerCase();
}
