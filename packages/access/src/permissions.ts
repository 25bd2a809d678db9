import type { Role } from '@flowgento/store';

/**
 * What each role may do, as data. Every API procedure names one of these
 * (or `public`), and the check is made before the procedure runs.
 */
export const PERMISSIONS = [
  'inbox.read',
  'messages.reply',
  'conversations.delete',
  'members.read',
  'members.invite',
  'members.manage',
  'whatsapp.read',
  'whatsapp.manage',
  'audit.read',
  'simulator.use',
  'security.manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const everyone: Permission[] = [
  'inbox.read',
  'messages.reply',
  'members.read',
  'simulator.use',
];
const managers: Permission[] = [
  ...everyone,
  'conversations.delete',
  'members.invite',
  'members.manage',
  'whatsapp.read',
  'whatsapp.manage',
  'audit.read',
];

export const PERMISSION_MATRIX: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  // Only an OWNER decides how the workspace signs in (the two-factor rule).
  OWNER: new Set<Permission>([...managers, 'security.manage']),
  ADMIN: new Set(managers),
  AGENT: new Set(everyone),
};

export function roleAllows(role: Role, permission: Permission): boolean {
  return PERMISSION_MATRIX[role].has(permission);
}

/** Roles a member of `actorRole` may hand out (invite or promote to). */
export function assignableRoles(actorRole: Role): Role[] {
  if (actorRole === 'OWNER') return ['OWNER', 'ADMIN', 'AGENT'];
  if (actorRole === 'ADMIN') return ['ADMIN', 'AGENT'];
  return [];
}
