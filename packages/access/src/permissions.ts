import type { Role } from '@flowgento/store';

/**
 * What each role may do, as data. Every API procedure names one of these
 * (or `public`), and the check is made before the procedure runs.
 */
export const PERMISSIONS = [
  'inbox.read',
  'messages.reply',
  'conversations.delete',
  'conversations.take',
  'conversations.assign',
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

/**
 * Assignment is split in two so that each procedure's permission says all of
 * who may call it. `conversations.take`: put an unassigned conversation on
 * yourself, or give back one that is yours; every member answers customers,
 * so every member may. `conversations.assign`: set or clear anyone's
 * assignment on any conversation; that redistributes work, so it is for
 * those who manage the team.
 */
const everyone: Permission[] = [
  'inbox.read',
  'messages.reply',
  'conversations.take',
  'members.read',
  'simulator.use',
];
const managers: Permission[] = [
  ...everyone,
  'conversations.delete',
  'conversations.assign',
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

/** Most powerful first; a lower index outranks a higher one. */
const ROLE_ORDER: readonly Role[] = ['OWNER', 'ADMIN', 'AGENT'];

/** True when `role` carries more power than `than`. */
export function outranks(role: Role, than: Role): boolean {
  return ROLE_ORDER.indexOf(role) < ROLE_ORDER.indexOf(than);
}

/** Roles a member of `actorRole` may hand out (invite or promote to). */
export function assignableRoles(actorRole: Role): Role[] {
  if (actorRole === 'OWNER') return ['OWNER', 'ADMIN', 'AGENT'];
  if (actorRole === 'ADMIN') return ['ADMIN', 'AGENT'];
  return [];
}
