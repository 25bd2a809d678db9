import type { Me, Permission, Role } from './api.ts';

/**
 * What the signed-in member's role allows, as the server reported it in
 * `auth.me`. Used only to hide controls; the server checks every call.
 */
export function can(me: Me, permission: Permission): boolean {
  return me.permissions.includes(permission);
}

/** Roles this member may hand out, as the server allows them. */
export function assignableRoles(me: Me): Role[] {
  return me.assignableRoles;
}

/** Most powerful first, as the server ranks them. */
const ROLE_ORDER: readonly Role[] = ['OWNER', 'ADMIN', 'AGENT'];

/**
 * Roles to offer for `member`: for others, what this member may grant; for
 * oneself, the same role or a lower one, since nobody raises their own.
 */
export function roleChoices(me: Me, member: { userId: string; role: Role }): Role[] {
  if (member.userId !== me.userId) return me.assignableRoles;
  if (me.role === 'SUPPORT') return [];
  return ROLE_ORDER.slice(ROLE_ORDER.indexOf(me.role));
}
