import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import type { Member, Role } from '../types.ts';

const MEMBER_COLUMNS = `m.user_id AS userId, u.email, u.display_name AS displayName,
  m.role, m.created_at AS joinedAt`;

export class MemberRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  list(): Member[] {
    return this.store
      .statement(
        `SELECT ${MEMBER_COLUMNS} FROM members m JOIN users u ON u.id = m.user_id
         WHERE m.workspace_id = ? ORDER BY m.created_at`,
      )
      .all(this.scope.workspaceId) as Member[];
  }

  get(userId: string): Member | undefined {
    return this.store
      .statement(
        `SELECT ${MEMBER_COLUMNS} FROM members m JOIN users u ON u.id = m.user_id
         WHERE m.workspace_id = ? AND m.user_id = ?`,
      )
      .get(this.scope.workspaceId, userId) as Member | undefined;
  }

  add(userId: string, role: Role): void {
    this.store
      .statement(
        'INSERT INTO members (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)',
      )
      .run(this.scope.workspaceId, userId, role, this.store.clock.now());
  }

  setRole(userId: string, role: Role): boolean {
    return (
      this.store
        .statement('UPDATE members SET role = ? WHERE workspace_id = ? AND user_id = ?')
        .run(role, this.scope.workspaceId, userId).changes === 1
    );
  }

  remove(userId: string): boolean {
    return (
      this.store
        .statement('DELETE FROM members WHERE workspace_id = ? AND user_id = ?')
        .run(this.scope.workspaceId, userId).changes === 1
    );
  }

  countOwners(): number {
    return this.store
      .statement(`SELECT count(*) FROM members WHERE workspace_id = ? AND role = 'OWNER'`)
      .pluck()
      .get(this.scope.workspaceId) as number;
  }
}
