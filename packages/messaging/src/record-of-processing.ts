import type {
  ConsentPurposeEntry,
  PrivacyPerson,
  PrivacySettings,
} from '@flowgento/store';

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
}

/** A storage provider that receives the workspace's encrypted objects. */
export interface StorageRecipient {
  name: string;
  preset: string;
  region: string;
  /** The endpoint's host only, never credentials. */
  endpointHost: string;
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
  backup: { changesDays: number; dailyDays: number; monthlyMonths: number } | null;
  generatedAt: number;
}

export interface ProcessingRecord {
  workspace: string;
  generatedAt: string;
  controllerContacts: {
    privacyContact: PrivacyPerson | null;
    grievanceOfficer: PrivacyPerson | null;
  };
  dataCategories: { category: string; kept: string }[];
  purposes: { purpose: string; basis: string }[];
  recipients: { name: string; role: string; region: string; host: string }[];
  regions: string[];
  retention: { category: string; period: string }[];
  minimisation: string[];
  safeguards: string[];
}

const MEDIA_KINDS = ['image', 'audio', 'video', 'document', 'sticker'] as const;

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
      name: 'Meta Platforms (WhatsApp Business Cloud API)',
      role: 'messaging provider: delivers and receives every message',
      region: 'as Meta operates the Cloud API',
      host: inputs.messagingHost,
    },
    {
      name: 'This appliance (embedded local storage)',
      role: 'encrypted media and backups on the appliance disk',
      region: 'on premises',
      host: 'local disk',
    },
    ...inputs.providers.map((p) => ({
      name: `${p.name} (${p.preset})`,
      role: 'object storage: encrypted media and backups',
      region: p.region,
      host: p.endpointHost,
    })),
  ];
  return {
    workspace: inputs.workspaceName,
    generatedAt: new Date(inputs.generatedAt).toISOString(),
    controllerContacts: {
      privacyContact: settings.privacyContact,
      grievanceOfficer: settings.grievanceOfficer,
    },
    dataCategories: [
      { category: 'Contact WhatsApp number', kept: 'yes' },
      {
        category: 'Contact profile name',
        kept: settings.dropProfileNames ? 'no (dropped)' : 'yes',
      },
      {
        category: 'Message text',
        kept: masked.length > 0 ? `yes, with ${masked.join(' and ')} masked` : 'yes',
      },
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
    retention: [
      ...inputs.retentionRules.map((r) => ({
        category: r.category,
        period: `${r.keepDays} days${r.note ? ` (${r.note})` : ''}`,
      })),
      { category: 'Audit log', period: `${inputs.auditRetentionMonths} months` },
      ...(inputs.backup
        ? [
            {
              category: 'Backups',
              period:
                `changes ${inputs.backup.changesDays} days, daily snapshots ` +
                `${inputs.backup.dailyDays} days, monthly snapshots ` +
                `${inputs.backup.monthlyMonths} months`,
            },
          ]
        : []),
    ],
    minimisation: [
      settings.droppedMedia.length > 0
        ? `Media not kept: ${settings.droppedMedia.join(', ')} (never fetched)`
        : 'Every media kind is kept',
      masked.length > 0
        ? `Masked before storage: ${masked.join(', ')}`
        : 'No numbers are masked in message text',
      settings.dropProfileNames
        ? 'WhatsApp profile names are dropped before storage'
        : 'WhatsApp profile names are kept',
    ],
    safeguards: [
      'Encryption at rest: SQLCipher database, per-object keys for media',
      'TLS for every connection to the appliance',
      'Encrypted backups with continuous change shipping',
      'Role-based access control per workspace (OWNER, ADMIN, AGENT)',
      'Append-only audit log with a hash chain and checkpoints',
    ],
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
