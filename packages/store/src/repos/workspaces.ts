import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { Workspace } from '../types.ts';

interface WorkspaceRow {
  id: string;
  name: string;
  created_at: number;
}

export class WorkspaceRepo {
  constructor(private readonly store: Store) {}

  create(name: string): Workspace {
    const workspace = { id: newId(), name, createdAt: this.store.clock.now() };
    this.store
      .statement('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)')
      .run(workspace.id, workspace.name, workspace.createdAt);
    return workspace;
  }

  get(id: string): Workspace | undefined {
    const row = this.store
      .statement('SELECT id, name, created_at FROM workspaces WHERE id = ?')
      .get(id) as WorkspaceRow | undefined;
    return row && { id: row.id, name: row.name, createdAt: row.created_at };
  }

  /** Every workspace, oldest first: for the operator's CLI, never for a member. */
  list(): Workspace[] {
    const rows = this.store
      .statement('SELECT id, name, created_at FROM workspaces ORDER BY created_at, id')
      .all() as WorkspaceRow[];
    return rows.map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at }));
  }

  /**
   * The appliance's own workspace: the one set-up created, first of all.
   * Its members hold what reaches past one workspace (the backup key).
   */
  homeId(): string | undefined {
    return this.store
      .statement('SELECT id FROM workspaces ORDER BY created_at, rowid LIMIT 1')
      .pluck()
      .get() as string | undefined;
  }

  count(): number {
    return this.store
      .statement('SELECT count(*) AS n FROM workspaces')
      .pluck()
      .get() as number;
  }
}
