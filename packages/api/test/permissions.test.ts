import { describe, expect, it } from 'vitest';
import {
  PERMISSIONS,
  PERMISSION_DESCRIPTIONS,
  PERMISSION_MATRIX,
} from '@flowgento/access';
import type { CallerRole } from '@flowgento/access';
import { procedureCatalog } from '../src/index.ts';
import { documentedTable, markdownTable } from './doc-table.ts';

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

describe('docs/PERMISSIONS.md', () => {
  it('shows exactly the permission matrix the code enforces, for every role', () => {
    const header = ['permission', 'what it allows', ...roles];
    const expected = [header, ...matrixRows()];
    expect(
      documentedTable('PERMISSIONS.md', 'permission-matrix'),
      `Paste this table into docs/PERMISSIONS.md, then run prettier:\n\n${markdownTable(header, matrixRows())}\n`,
    ).toEqual(expected);
  });
});
