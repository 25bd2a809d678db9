import { afterEach, describe, expect, it } from 'vitest';
import {
  cutAccessLog,
  verifyAccessLogChain,
  workspaceScope,
  type Store,
} from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

const DAY = 86_400_000;

function workspace(store: Store, name: string) {
  const ws = store.workspaces.create(name);
  const scoped = store.in(workspaceScope(ws.id));
  const access = (days: number) =>
    store.transaction(() =>
      scoped.accessLog.append([
        {
          at: days * DAY,
          actorId: 'u',
          actorLabel: 'agent@example.org',
          action: 'read',
          via: `${name}.${days}`,
          contactHash: 'h',
        },
      ]),
    );
  const keep = (days: number) =>
    scoped.retention.setRule(
      { category: 'security_log', days, noticeTemplateId: null },
      null,
    );
  return { id: ws.id, access, keep };
}

const vias = (store: Store) =>
  store.db.prepare('SELECT via FROM access_log ORDER BY seq').pluck().all();

describe('the access log cut across workspaces', () => {
  it("stops at the first entry another workspace's rule still keeps", () => {
    env = tempDatabase();
    const store = env.open();
    const a = workspace(store, 'A');
    const b = workspace(store, 'B');
    a.keep(180);
    a.access(1);
    b.access(2);
    a.access(3);
    a.access(400);
    const now = 400 * DAY;

    const cut = store.transaction(() => cutAccessLog(store, a.id, now, false));
    expect(cut).toEqual({ removed: 1, ofWorkspace: 1, refused: false });
    expect(vias(store)).toEqual(['B.2', 'A.3', 'A.400']);
    expect(verifyAccessLogChain(store).ok).toBe(true);

    b.keep(180);
    const next = store.transaction(() => cutAccessLog(store, a.id, now, false));
    expect(next).toEqual({ removed: 2, ofWorkspace: 1, refused: false });
    expect(vias(store)).toEqual(['A.400']);
    expect(verifyAccessLogChain(store)).toMatchObject({ ok: true, checked: 1 });
  });
});
