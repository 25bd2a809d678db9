import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { Role, User } from '../types.ts';

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  password_hash: string;
  created_at: number;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  displayName: row.display_name,
  passwordHash: row.password_hash,
  createdAt: row.created_at,
});

export class UserRepo {
  constructor(private readonly store: Store) {}

  create(input: { email: string; displayName: string; passwordHash: string }): User {
    const user: User = { id: newId(), ...input, createdAt: this.store.clock.now() };
    this.store
      .statement(
        `INSERT INTO users (id, email, display_name, password_hash, created_at)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(user.id, user.email, user.displayName, user.passwordHash, user.createdAt);
    return user;
  }

  get(id: string): User | undefined {
    const row = this.store.statement('SELECT * FROM users WHERE id = ?').get(id);
    return row ? toUser(row as UserRow) : undefined;
  }

  findByEmail(email: string): User | undefined {
    const row = this.store.statement('SELECT * FROM users WHERE email = ?').get(email);
    return row ? toUser(row as UserRow) : undefined;
  }

  count(): number {
    return this.store.statement('SELECT count(*) FROM users').pluck().get() as number;
  }

  /** The workspaces a person belongs to, oldest membership first. */
  memberships(userId: string): { workspaceId: string; role: Role }[] {
    return this.store
      .statement(
        `SELECT workspace_id AS workspaceId, role FROM members
         WHERE user_id = ? ORDER BY created_at`,
      )
      .all(userId) as { workspaceId: string; role: Role }[];
  }
}
