import type { ServerResponse } from 'node:http';
import { DEFAULT_SECURITY_CONTACT, type ApplianceConfig } from '../config.ts';

export const SECURITY_TXT_PATH = '/.well-known/security.txt';
/** RFC 9116 section 3: the legacy top-level path may redirect to the file. */
export const LEGACY_SECURITY_TXT_PATH = '/security.txt';
export const DISCLOSURE_PATH = '/disclosure';

type Disclosure = ApplianceConfig['disclosure'];

/**
 * True while `disclosure.contact` still names the Flowgento project's
 * placeholder: reports would go to the software's makers, not to whoever
 * runs this appliance. Shown to admins, in /healthz and at start.
 */
export function contactIsPlaceholder(disclosure: Disclosure): boolean {
  return disclosure.contact.includes(DEFAULT_SECURITY_CONTACT);
}

/** What /healthz and the start-up log say about the disclosure settings. */
export const DISCLOSURE_WARNING = 'disclosure_contact_not_set';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The `Expires` date security.txt carries, fixed rather than moving with
 * every request (a reader comparing two fetches must see the same file).
 * It counts `expiresDays` (under a year, RFC 9116 section 2.5.5) from the
 * start of the UTC day the appliance started, and moves to a new day only
 * once half of that time has passed, so it never lapses on an appliance
 * that runs for longer.
 */
export function disclosureExpiry(expiresDays: number, startedAt: number) {
  let from = Math.floor(startedAt / DAY_MS) * DAY_MS;
  return (now: number): number => {
    if (now - from >= (expiresDays * DAY_MS) / 2) {
      from = Math.floor(now / DAY_MS) * DAY_MS;
    }
    return from + expiresDays * DAY_MS;
  };
}

/**
 * `security.txt` as RFC 9116 lays it out: Contact (one or more), Expires
 * (always, under a year ahead), Preferred-Languages, and Policy and
 * Canonical when the owner published them. The policy defaults to this
 * appliance's own disclosure page when its address is known.
 */
export function securityTxt(
  disclosure: Disclosure,
  expiresAt: number,
  baseUrl: string | null,
) {
  const expires = new Date(expiresAt);
  const policy =
    disclosure.policyUrl ?? (baseUrl ? `${baseUrl}${DISCLOSURE_PATH}` : null);
  const canonical =
    disclosure.canonicalUrl ?? (baseUrl ? `${baseUrl}${SECURITY_TXT_PATH}` : null);
  // RFC 9116 section 2.3: lines starting with # are comments.
  const note = contactIsPlaceholder(disclosure)
    ? [
        '# The owner of this appliance has not set a security contact yet.',
        '# Until then reports go to the makers of the Flowgento Appliance software.',
      ]
    : [];
  return [
    ...note,
    ...disclosure.contact.map((contact) => `Contact: ${contact}`),
    `Expires: ${expires.toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
    `Preferred-Languages: ${disclosure.preferredLanguages}`,
    ...(policy ? [`Policy: ${policy}`] : []),
    ...(canonical ? [`Canonical: ${canonical}`] : []),
    '',
  ].join('\n');
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The responsible-disclosure page, served without sign-in. It asks what a
 * reporter should do and promises nothing on the owner's behalf: answer
 * times, credit and legal safe harbour are the owner's to state, in the
 * policy `disclosure.policyUrl` links to.
 */
export function disclosurePage(disclosure: Disclosure): string {
  const contacts = disclosure.contact
    .map((c) => {
      const shown = escapeHtml(c.replace(/^mailto:|^tel:/, ''));
      return `<li><a href="${escapeHtml(c)}">${shown}</a></li>`;
    })
    .join('');
  const unset = contactIsPlaceholder(disclosure)
    ? `<p role="note"><strong>The owner of this appliance has not set a security
contact yet.</strong> The address below belongs to the makers of the Flowgento
Appliance software: they can fix flaws in the software, but they do not run this
installation and cannot act on its data.</p>
`
    : '';
  const policy = disclosure.policyUrl
    ? `<p>How reports are handled, and what the owner commits to:
<a href="${escapeHtml(disclosure.policyUrl)}">the owner's disclosure policy</a>.</p>`
    : `<p>The owner of this appliance has not published a disclosure policy, so no
answer time, credit or legal undertaking is given here.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Responsible disclosure</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<h1>Responsible disclosure</h1>
<p>If you found a security problem in this Flowgento Appliance, report it
privately first so it can be fixed before anyone is harmed.</p>
${unset}<h2>Where to write</h2>
<ul>${contacts}</ul>
<h2>What helps</h2>
<ul>
<li>What you found, where, and the steps to see it again.</li>
<li>What an attacker could reach with it.</li>
<li>How to reach you for questions.</li>
</ul>
<h2>What we ask</h2>
<ul>
<li>Test only what you own or were allowed to test; do not read, change or
delete other people's data, and stop once you have shown the problem.</li>
<li>Allow reasonable time for a fix before you publish.</li>
</ul>
${policy}
<p>Machine-readable: <a href="${SECURITY_TXT_PATH}">security.txt</a></p>
</body></html>
`;
}

export function sendDisclosure(
  res: ServerResponse,
  path: string,
  disclosure: Disclosure,
  expiresAt: number,
  baseUrl: string | null,
): void {
  const html = path === DISCLOSURE_PATH;
  const body = html
    ? disclosurePage(disclosure)
    : securityTxt(disclosure, expiresAt, baseUrl);
  res.writeHead(200, {
    'Content-Type': html ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-cache',
  });
  res.end(body);
}
