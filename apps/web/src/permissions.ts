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
