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
};

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
  OWNER: new Set(managers),
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
