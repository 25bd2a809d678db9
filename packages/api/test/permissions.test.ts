import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  PERMISSIONS,
  PERMISSION_DESCRIPTIONS,
  PERMISSION_MATRIX,
} from '@flowgento/access';
import type { CallerRole } from '@flowgento/access';
import { procedureCatalog } from '../src/index.ts';

const procedures = procedureCatalog();
const roles = Object.keys(PERMISSION_MATRIX) as CallerRole[];

describe('the API permission declarations', () => {
  it('has procedures to check', () => {
    expect(procedures.length).toBeGreaterThan(15);
  });

  it.each(procedures.map((p) => [p.path, p] as const))(
    '%s declares what it requires',
    (_path, procedure) => {
      expect(procedure.requires).toBeDefined();
      expect(['public', 'authenticated', 'signed-in', ...PERMISSIONS]).toContain(
        procedure.requires,
      );
    },
  );

  it('opens only sign-in, setup, invite acceptance and appliance info to anonymous callers', () => {
    const open = procedures.filter((p) => p.requires === 'public').map((p) => p.path);
    expect(open).toEqual([
      'auth.acceptInvite',
      'auth.login',
      'auth.loginSecondFactor',
      'auth.me',
      'auth.setup',
      'support.redeem',
      'system.info',
    ]);
  });

  it('keeps admin permissions away from AGENTs', () => {
    for (const permission of [
      'members.invite',
      'members.manage',
      'whatsapp.manage',
      'whatsapp.read',
      'audit.read',
      'conversations.delete',
      'conversations.assign',
    ] as const) {
      expect(PERMISSION_MATRIX.AGENT.has(permission), permission).toBe(false);
      expect(PERMISSION_MATRIX.ADMIN.has(permission), permission).toBe(true);
    }
  });

  it('lets every role take and give back conversations for themselves', () => {
    for (const role of ['OWNER', 'ADMIN', 'AGENT'] as const) {
      expect(PERMISSION_MATRIX[role].has('conversations.take'), role).toBe(true);
    }
  });
});

/** The matrix as docs/PERMISSIONS.md should show it, one row per permission. */
function matrixRows(): string[][] {
  return PERMISSIONS.map((permission) => [
    `\`${permission}\``,
    PERMISSION_DESCRIPTIONS[permission],
    ...roles.map((role) => (PERMISSION_MATRIX[role].has(permission) ? 'yes' : '—')),
  ]);
}

function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The cells of the table between the doc's permission-matrix markers. */
function documentedTable(): string[][] {
  const doc = readFileSync(
    new URL('../../../docs/PERMISSIONS.md', import.meta.url),
    'utf8',
  );
  const block =
    /<!-- permission-matrix:start -->([\s\S]*?)<!-- permission-matrix:end -->/.exec(
      doc,
    )?.[1];
  if (!block) throw new Error('docs/PERMISSIONS.md lost its permission-matrix markers');
  return block
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .filter((line) => !/^\|[\s:|-]+\|$/.test(line.trim()))
    .map((line) =>
      line
        .trim()
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

describe('docs/PERMISSIONS.md', () => {
  it('shows exactly the permission matrix the code enforces, for every role', () => {
    const header = ['permission', 'what it allows', ...roles];
    const expected = [header, ...matrixRows()];
    expect(
      documentedTable(),
      `Paste this table into docs/PERMISSIONS.md, then run prettier:\n\n${markdownTable(header, matrixRows())}\n`,
    ).toEqual(expected);
  });
});
