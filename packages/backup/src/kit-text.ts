import { describeSchedule } from './schedule-settings.ts';
import type { RecoveryKit } from './recovery-kit.ts';

/**
 * The kit as plain text, for `flowgento backup kit`: the same sections as
 * the printable page, laid out for a printer or a password manager's note.
 */
export function renderKitText(kit: RecoveryKit): string {
  const lines = [
    'FLOWGENTO APPLIANCE: BACKUP RECOVERY KIT',
    '',
    'Keep this kit offline and apart from the appliance (a safe, a sealed',
    'envelope). Anyone who holds it and a copy of the backups can read every',
    'conversation. Do not email it, photograph it or store it beside the backups.',
    '',
    `Created        ${new Date(kit.createdAt).toISOString()}`,
    `Installation   ${kit.installationId}`,
    `Key mode       ${kit.keyMode === 'file' ? 'key file' : 'passphrase'}`,
    `Schedule       ${describeSchedule(kit.schedule)}`,
    '',
    'BACKUP KEY',
    ...groupedLines(kit.backupKey.text),
    `  fingerprint ${kit.backupKey.fingerprint}`,
    '',
    ...rootKeySection(kit),
    'BACKUP TIER (where the backups are; access keys are not in this kit)',
    ...kit.backupTier.map(
      (p, index) =>
        `  ${index + 1}. ${p.name} (${p.kind}) ${p.location}` +
        (p.bucket ? `  bucket ${p.bucket}` : '') +
        (p.region ? `  region ${p.region}` : ''),
    ),
    ...(kit.backupTier.some((p) => p.kind === 'local')
      ? ['  The local disk is lost with this machine: add an off-site provider.']
      : []),
    '',
    'TO RESTORE ON A NEW MACHINE',
    ...kit.restoreSteps.map((step, index) => `  ${index + 1}. ${step}`),
    '',
  ];
  return lines.join('\n');
}

function rootKeySection(kit: RecoveryKit): string[] {
  if (kit.rootKey) {
    return [
      'DATABASE ROOT KEY (the key file; without it the backups cannot be opened)',
      `  ${kit.rootKey.hex}`,
      '',
    ];
  }
  return [
    'DATABASE PASSPHRASE',
    '  Not in this kit. The restore needs it: keep it as safely as this kit.',
    '',
  ];
}

// Seven groups a line: two short lines are easier to read back than one long one.
function groupedLines(text: string): string[] {
  const groups = text.split('-');
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += 7) {
    lines.push(`  ${groups.slice(i, i + 7).join('-')}`);
  }
  return lines;
}
