import type { Db } from '../database.ts';
import { initialSchema } from './001-initial.ts';
import { conversationAssignment } from './004-conversation-assignment.ts';

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

/**
 * Every migration, in ascending version order. Versions may skip numbers
 * (one reserved by work on another branch); `migrate` applies whatever lies
 * between the database's version and the target. A migration, once shipped,
 * is never edited.
 */
export const migrations: readonly Migration[] = [initialSchema, conversationAssignment];

export const latestSchemaVersion = migrations.at(-1)?.version ?? 0;

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema to the latest version, one transaction per migration, so
 * an interrupted upgrade leaves the database at the last whole version.
 */
export function migrate(db: Db, target = latestSchemaVersion): number[] {
  const current = schemaVersion(db);
  if (current > latestSchemaVersion) {
    throw new Error(
      `The database schema (v${current}) is newer than this build knows (v${latestSchemaVersion})`,
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current || migration.version > target) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}
