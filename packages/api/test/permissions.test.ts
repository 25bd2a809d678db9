import { describe, expect, it } from 'vitest';
import { PERMISSIONS, PERMISSION_MATRIX } from '@flowgento/access';
import { appRouter, type ProcedureMeta } from '../src/index.ts';

interface ProcedureDef {
  _def: { meta?: ProcedureMeta; type: string };
}

const procedures = Object.entries(
  (appRouter as unknown as { _def: { procedures: Record<string, ProcedureDef> } })._def
    .procedures,
);

describe('the API permission declarations', () => {
  it('has procedures to check', () => {
    expect(procedures.length).toBeGreaterThan(15);
  });

  it.each(procedures)('%s declares what it requires', (_path, procedure) => {
    const requires = procedure._def.meta?.requires;
    expect(requires).toBeDefined();
    expect(['public', 'authenticated', ...PERMISSIONS]).toContain(requires);
  });

  it('opens only sign-in, setup, invite acceptance and appliance info to anonymous callers', () => {
    const open = procedures
      .filter(([, p]) => p._def.meta?.requires === 'public')
      .map(([path]) => path);
    expect(open.sort()).toEqual([
      'auth.acceptInvite',
      'auth.login',
      'auth.loginSecondFactor',
      'auth.me',
      'auth.setup',
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
