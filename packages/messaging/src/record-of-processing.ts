import type {
  ConsentPurposeEntry,
  DatabaseCipher,
  PrivacyPerson,
  PrivacySettings,
} from '@flowgento/store';
import { META_RECIPIENT } from './requests/export-summary.ts';

/**
 * The record of processing (issue #8, part 9), built from the live
 * configuration each time it is asked for, so it never drifts from what the
 * appliance does. Inputs are plain values: the server gathers them, and the
 * retention engine's rules come in as a list.
 */

/** A retention rule as the record shows it (the retention engine supplies them). */
export interface RetentionRuleInput {
  category: string;
  keepDays: number;
  note?: string;
  /** The engine's category id (`security_log`, …), when the caller knows it. */
  id?: string;
}

/**
 * A storage provider that holds a tier of the workspace. The server builds
 * this one list for the record and for a contact export's summary, so both
 * name a provider alike.
 */
export interface StorageRecipient {
  name: string;
  kind: 'local' | 's3';
  role: string;
  /** The region as configured; null for the local disk or when none is set. */
  region: string | null;
  /** The endpoint's host only, never credentials; null for the local disk. */
  endpointHost: string | null;
}

/** How long the backups are kept: the backup engine's schedule in force. */
export interface BackupRetention {
  changesDays: number;
  dailyDays: number;
  monthlyMonths: number;
}

export interface ProcessingInputs {
  workspaceName: string;
  /** The Graph API host the appliance sends through (from its configuration). */
  messagingHost: string;
  settings: PrivacySettings;
  purposes: readonly ConsentPurposeEntry[];
  providers: readonly StorageRecipient[];
  retentionRules: readonly RetentionRuleInput[];
  auditRetentionMonths: number;
  backup: BackupRetention;
  /** The page cipher of the database file, read from the open database. */
  databaseCipher: DatabaseCipher;
  /**
   * When each masking switch now on was last turned on (ms), as the audit
   * log shows; missing when that entry is no longer kept.
   */
  maskedSince?: Partial<Record<MaskingSwitch, number>>;
  generatedAt: number;
}

export interface ProcessingRecord {
  workspace: string;
  generatedAt: string;
  controllerContacts: {
    privacyContact: PrivacyPerson | null;
    grievanceOfficer: PrivacyPerson | null;
  };
  /** Whose data it is (GDPR Art 30(1)(c)). */
  dataSubjects: string[];
  dataCategories: { category: string; kept: string }[];
  purposes: { purpose: string; basis: string }[];
  recipients: { name: string; role: string; region: string; host: string }[];
  regions: string[];
  /** Where data goes outside the appliance, and where that is (Art 30(1)(e)). */
  transfers: string[];
  retention: { category: string; period: string }[];
  minimisation: string[];
  safeguards: string[];
}

const MEDIA_KINDS = ['image', 'audio', 'video', 'document', 'sticker'] as const;

/** The settings that mask numbers in message text before it is stored. */
export type MaskingSwitch = 'maskCardNumbers' | 'maskIdentityNumbers';

/**
 * The message-text line: what is masked, since when, and that masking
 * never reached back: messages stored before a switch was turned on keep
 * their numbers.
 */
function messageTextKept(inputs: ProcessingInputs): string {
  const { settings, maskedSince = {} } = inputs;
  const day = (at: number | undefined) =>
    at === undefined ? '' : ` since ${new Date(at).toISOString().slice(0, 10)}`;
  const masked = [
    settings.maskCardNumbers ? `card numbers${day(maskedSince.maskCardNumbers)}` : null,
    settings.maskIdentityNumbers
      ? `identity numbers (Aadhaar, PAN)${day(maskedSince.maskIdentityNumbers)}`
      : null,
  ].filter((m) => m !== null);
  if (masked.length === 0) return 'yes';
  return (
    `yes, with ${masked.join(' and ')} masked; messages stored before ` +
    'masking was turned on stay as they were'
  );
}

/** The record for one workspace, from its live settings. */
export function recordOfProcessing(inputs: ProcessingInputs): ProcessingRecord {
  const { settings } = inputs;
  const keptMedia = MEDIA_KINDS.filter((k) => !settings.droppedMedia.includes(k));
  const masked = [
    settings.maskCardNumbers ? 'card numbers' : null,
    settings.maskIdentityNumbers ? 'identity numbers (Aadhaar, PAN)' : null,
  ].filter((m) => m !== null);
  const recipients = [
    {
      name: META_RECIPIENT.name,
      role: 'messaging provider: delivers and receives every message',
      region: 'as Meta operates the Cloud API',
      host: inputs.messagingHost,
    },
    ...inputs.providers.map((p) => ({
      name: p.name,
      role: p.role,
      region: p.kind === 'local' ? 'on premises' : (p.region ?? 'not stated'),
      host: p.endpointHost ?? 'local disk',
    })),
  ];
  return {
    workspace: inputs.workspaceName,
    generatedAt: new Date(inputs.generatedAt).toISOString(),
    controllerContacts: {
      privacyContact: settings.privacyContact,
      grievanceOfficer: settings.grievanceOfficer,
    },
    dataSubjects: [
      "Customers who write to the workspace's WhatsApp numbers, or are written to",
      'Members of the workspace (its staff who sign in)',
    ],
    dataCategories: [
      { category: 'Contact WhatsApp number', kept: 'yes' },
      {
        category: 'Contact profile name',
        // The switch stops names at intake; names stored before stay.
        kept: settings.dropProfileNames
          ? 'not kept for new messages; names stored before the switch was turned on are kept'
          : 'yes',
      },
      { category: 'Message text', kept: messageTextKept(inputs) },
      {
        category: 'Media files',
        kept: keptMedia.length > 0 ? keptMedia.join(', ') : 'none',
      },
      { category: 'Consent records and their history', kept: 'yes' },
      { category: 'Internal notes by agents', kept: 'yes' },
      { category: 'Members: name, email, sign-ins (IP, user agent)', kept: 'yes' },
    ],
    purposes: [
      { purpose: 'Customer service conversations', basis: 'requested by the customer' },
      ...inputs.purposes.map((p) => ({
        purpose: `${p.purpose}: ${p.description}`,
        basis: 'consent, recorded in the consent register',
      })),
    ],
    recipients,
    regions: [...new Set(recipients.map((r) => r.region))],
    transfers: transfersOf(inputs),
    retention: retentionLines(inputs),
    minimisation: [
      settings.droppedMedia.length > 0
        ? `Media not kept: ${settings.droppedMedia.join(', ')} (never fetched)`
        : 'Every media kind is kept',
      masked.length > 0
        ? `Masked before storage: ${masked.join(', ')}`
        : 'No numbers are masked in message text',
      settings.dropProfileNames
        ? 'WhatsApp profile names are dropped before storage (names stored before stay)'
        : 'WhatsApp profile names are kept',
    ],
    safeguards: [
      `Encryption at rest: ${CIPHER_WORDS[inputs.databaseCipher]}, per-object keys for media`,
      'TLS for every connection to the appliance',
      'Encrypted backups with continuous change shipping',
      'Role-based access control per workspace (OWNER, ADMIN, AGENT)',
      'Append-only audit log with a hash chain and checkpoints',
    ],
  };
}

/**
 * Each place data goes beyond the appliance: Meta's Cloud API, which
 * carries every message, and each storage provider configured, by its name
 * and its region and endpoint host as configured (never its credentials).
 */
function transfersOf(inputs: ProcessingInputs): string[] {
  return [
    `${META_RECIPIENT.name}, processor: the Cloud API (${inputs.messagingHost}) ` +
      'carries every message, wherever Meta operates it',
    ...inputs.providers.map((p) =>
      p.kind === 'local'
        ? `${p.name}: the appliance's own disk, on premises; no transfer`
        : `${p.name}, processor (${p.role}): region ${p.region ?? 'not stated'}, ` +
          `endpoint ${p.endpointHost ?? 'not stated'}`,
    ),
  ];
}

/** The database's page cipher, as it is in use, in words. */
const CIPHER_WORDS: Record<DatabaseCipher, string> = {
  'aegis-256': 'database pages encrypted with AEGIS-256 (SQLite3MultipleCiphers)',
  'sqlcipher-4':
    'database pages encrypted with SQLCipher 4 (AES-256-CBC, HMAC-SHA512; ' +
    'a database made before AEGIS-256 became the default keeps it)',
};

/** The security logs as the Retention page names them (`security_log`). */
export const SECURITY_LOGS = 'Security logs (sign-ins, refusals, access log)';

/**
 * Every log and copy the appliance keeps, with how long: the workspace's
 * rules, the audit log, the security logs and the backups. The engine's
 * `security_log` rule cuts only the access log of personal data; sign-ins
 * and refusals are audit entries, kept as long as the audit log.
 */
function retentionLines(
  inputs: ProcessingInputs,
): { category: string; period: string }[] {
  const accessRule = inputs.retentionRules.find((r) => r.id === 'security_log');
  const audit = auditLogPeriod(inputs);
  const { changesDays, dailyDays, monthlyMonths } = inputs.backup;
  const accessPeriod = accessRule
    ? `access log ${accessRule.keepDays} days`
    : 'access log kept until a retention rule is set (at least 180 days)';
  return [
    ...personalDataLines(inputs.retentionRules),
    { category: 'Audit log', period: `${audit.period} (${audit.basis})` },
    {
      category: SECURITY_LOGS,
      period: `${accessPeriod}; sign-ins and refusals ${audit.period}, as part of the audit log`,
    },
    {
      category: 'Backups',
      period:
        `changes ${changesDays} days, daily snapshots ${dailyDays} days, ` +
        `monthly snapshots ${monthlyMonths} months`,
    },
  ];
}

/** No rule limits how long these are kept. */
export const NO_LIMIT = 'no limit set';

/** The categories of personal data a rule may limit, as the record names them. */
const RULED_CATEGORIES = [
  { id: 'conversations', category: 'Conversations and their messages' },
  { id: 'media', category: 'Files sent in conversations' },
  { id: 'inactive_contacts', category: 'Contacts (WhatsApp number and profile name)' },
] as const;

/**
 * Every category of personal data, with its rule's period or `NO_LIMIT`:
 * a record that listed only the categories with a rule would hide that the
 * rest is kept without limit. Notes and consent records have no rule of
 * their own; they go with their contact.
 */
function personalDataLines(
  rules: readonly RetentionRuleInput[],
): { category: string; period: string }[] {
  const period = (r: RetentionRuleInput | undefined) =>
    r ? `${r.keepDays} days${r.note ? ` (${r.note})` : ''}` : NO_LIMIT;
  const known = new Set<string>(['audit_log', 'security_log']);
  for (const c of RULED_CATEGORIES) known.add(c.id);
  const withContact = `${NO_LIMIT}; deleted with their contact`;
  return [
    ...RULED_CATEGORIES.map((c) => ({
      category: c.category,
      period: period(rules.find((r) => r.id === c.id)),
    })),
    { category: 'Internal notes by agents', period: withContact },
    { category: 'Consent register', period: withContact },
    // A rule the record has no row for still shows, under its own name.
    ...rules
      .filter((r) => r.id === undefined || !known.has(r.id))
      .map((r) => ({ category: r.category, period: period(r) })),
  ];
}

/** A calendar month, on average, for comparing months with days. */
const DAYS_PER_MONTH = 365.25 / 12;

/**
 * The one period the audit log is kept: the appliance's audit retention, or
 * the workspace's `audit_log` rule when that keeps it longer (pruning waits
 * for the longer of the two), saying which applies.
 */
function auditLogPeriod(inputs: ProcessingInputs): { period: string; basis: string } {
  const months = inputs.auditRetentionMonths;
  const rule = inputs.retentionRules.find((r) => r.id === 'audit_log');
  if (rule && rule.keepDays > months * DAYS_PER_MONTH) {
    return {
      period: `${rule.keepDays} days`,
      basis:
        "this workspace's retention rule, longer than the appliance's audit " +
        `retention of ${months} months`,
    };
  }
  return {
    period: `${months} months`,
    basis: rule
      ? `the appliance's audit retention; this workspace's rule of ${rule.keepDays} days is shorter`
      : "the appliance's audit retention",
  };
}

/** The record as Markdown, for reading and for a download. */
export function recordAsMarkdown(record: ProcessingRecord): string {
  const person = (p: PrivacyPerson | null) =>
    p ? `${p.name} <${p.email}>${p.phone ? `, ${p.phone}` : ''}` : 'not set';
  const table = (head: string[], rows: string[][]) =>
    [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`),
    ].join('\n');
  return [
    `# Record of processing: ${record.workspace}`,
    '',
    `Generated ${record.generatedAt} from the live configuration.`,
    '',
    `- Privacy contact: ${person(record.controllerContacts.privacyContact)}`,
    `- Grievance officer: ${person(record.controllerContacts.grievanceOfficer)}`,
    '',
    '## Data subjects',
    ...record.dataSubjects.map((d) => `- ${d}`),
    '',
    '## Data categories',
    table(
      ['Category', 'Kept'],
      record.dataCategories.map((c) => [c.category, c.kept]),
    ),
    '',
    '## Purposes',
    table(
      ['Purpose', 'Basis'],
      record.purposes.map((p) => [p.purpose, p.basis]),
    ),
    '',
    '## Recipients',
    table(
      ['Recipient', 'Role', 'Region', 'Host'],
      record.recipients.map((r) => [r.name, r.role, r.region, r.host]),
    ),
    '',
    '## Transfers',
    ...record.transfers.map((t) => `- ${t}`),
    '',
    '## Retention',
    table(
      ['Category', 'Period'],
      record.retention.map((r) => [r.category, r.period]),
    ),
    '',
    '## Minimisation',
    ...record.minimisation.map((m) => `- ${m}`),
    '',
    '## Safeguards',
    ...record.safeguards.map((s) => `- ${s}`),
    '',
  ].join('\n');
}
