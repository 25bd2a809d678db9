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
  'audit.manage',
  'simulator.use',
  'security.manage',
  'support.manage',
  'storage.read',
  'storage.manage',
  'backup.read',
  'backup.manage',
  'backup.kit',
  'retention.manage',
  'accessLog.read',
  'breaches.manage',
  'requests.read',
  'requests.manage',
  'requests.export',
  'consent.read',
  'consent.manage',
  'privacy.manage',
  'contacts.erase',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** What each permission opens, in the words `docs/PERMISSIONS.md` shows. */
export const PERMISSION_DESCRIPTIONS: Readonly<Record<Permission, string>> = {
  'inbox.read': 'see conversations and their messages, live',
  'messages.reply': 'reply to a conversation',
  'conversations.delete': 'delete a conversation and its messages',
  'members.read': 'see who belongs to the workspace',
  'members.invite': 'invite people, see pending invites, see the Pairing page',
  'members.manage': "change a member's role or remove them",
  'whatsapp.read': 'see the WhatsApp number settings',
  'whatsapp.manage': 'connect numbers and change their settings',
  'audit.read': 'read the audit log',
  'audit.manage': 'export the audit log and check its hash chain',
  'simulator.use': 'play a customer in the built-in Cloud API simulator',
  'conversations.take': 'take an unassigned conversation, or give back your own',
  'conversations.assign': 'assign any conversation to any member, or to nobody',
  'security.manage': 'require two-factor sign-in of owners and admins',
  'support.manage': 'grant, list and revoke time-boxed support access',
  'storage.read': 'see which storage providers hold each tier of the workspace',
  'storage.manage': "override the appliance's storage providers for the workspace",
  'backup.read': "see how the appliance's backups stand and their schedule",
  'backup.manage': "change the appliance's backup retention schedule",
  'backup.kit': 'open the backup recovery kit (it holds the backup key)',
  'retention.manage': 'set retention rules, run them, place and release legal holds',
  'accessLog.read':
    "see who read, searched or exported which contact, and check the log's chain",
  'breaches.manage':
    'log personal data breaches, run their clocks, produce the reports and notices',
  'requests.read': "see people's data requests (GDPR, DPDP) and their deadlines",
  'requests.manage':
    "log, verify, extend, refuse and close data requests; correct a contact's profile",
  'requests.export': "export a contact's data (messages, files, notes) as a zip",
  'consent.read': 'read the consent register, its notices and purposes',
  'consent.manage':
    'record opt-ins and withdrawals, publish notices, define purposes, export the register',
  'privacy.manage':
    'change the privacy settings (minimisation, privacy contact, grievance officer) and read the record of processing',
  'contacts.erase':
    'erase a contact everywhere (messages, notes, media, search) for a data-subject request',
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
  'audit.manage',
  'storage.read',
  'backup.read',
  'backup.manage',
  // Compliance duties (issue #8) are the workspace's managers', never agents'.
  'retention.manage',
  // Compliance duties are the managers'; agents never see who read whom.
  'accessLog.read',
  'breaches.manage',
  // Compliance duties are the workspace's managers'; agents never see them.
  'requests.read',
  'requests.manage',
  'requests.export',
  // Compliance duties (issue #8) are the managers'; agents never.
  'consent.read',
  'consent.manage',
  'privacy.manage',
  // A legal duty of whoever runs the workspace; agents never.
  'contacts.erase',
];

/**
 * Support staff diagnose; they do not act. They see what a problem report
 * points at (conversations, who is in the team, how the numbers are set up,
 * what the audit log says happened) and nothing that sends, deletes, invites
 * or changes a setting, so a support session cannot alter the workspace.
 */
const support: Permission[] = [
  'inbox.read',
  'members.read',
  'whatsapp.read',
  'audit.read',
];

/**
 * Who calls: a member's role, or SUPPORT for a support person working under
 * an OWNER's time-boxed grant. SUPPORT is never a member's role.
 */
export type CallerRole = Role | 'SUPPORT';

export const PERMISSION_MATRIX: Readonly<Record<CallerRole, ReadonlySet<Permission>>> = {
  // Only an OWNER decides how the workspace signs in, who gets support access
  // and where its media and backups go. The recovery kit holds the key that
  // opens every backup, so it is theirs alone.
  OWNER: new Set<Permission>([
    ...managers,
    'security.manage',
    'support.manage',
    'storage.manage',
    'backup.kit',
  ]),
  ADMIN: new Set(managers),
  AGENT: new Set(everyone),
  SUPPORT: new Set(support),
};

export function roleAllows(role: CallerRole, permission: Permission): boolean {
  return PERMISSION_MATRIX[role].has(permission);
}

/** Most powerful first; a lower index outranks a higher one. */
const ROLE_ORDER: readonly CallerRole[] = ['OWNER', 'ADMIN', 'AGENT', 'SUPPORT'];

/** True when `role` carries more power than `than`. */
export function outranks(role: CallerRole, than: CallerRole): boolean {
  return ROLE_ORDER.indexOf(role) < ROLE_ORDER.indexOf(than);
}

/** Roles a member of `actorRole` may hand out (invite or promote to). */
export function assignableRoles(actorRole: CallerRole): Role[] {
  if (actorRole === 'OWNER') return ['OWNER', 'ADMIN', 'AGENT'];
  if (actorRole === 'ADMIN') return ['ADMIN', 'AGENT'];
  return [];
}
