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

/** What each permission opens, in the words `docs/PERMISSIONS.md` shows. */
export const PERMISSION_DESCRIPTIONS: Readonly<Record<Permission, string>> = {
  'inbox.read': 'see conversations and their messages, live',
  'messages.reply': 'reply to a conversation',
  'conversations.delete': 'delete a conversation and its messages',
  'members.read': 'see who belongs to the workspace',
  'members.invite': 'invite people and see pending invites',
  'members.manage': "change a member's role or remove them",
  'whatsapp.read': 'see the WhatsApp number settings',
  'whatsapp.manage': 'connect numbers and change their settings',
  'audit.read': 'read the audit log',
  'simulator.use': 'play a customer in the built-in Cloud API simulator',
  'conversations.take': 'take an unassigned conversation, or give back your own',
  'conversations.assign': 'assign any conversation to any member, or to nobody',
  'security.manage': 'require two-factor sign-in of owners and admins',
};

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
