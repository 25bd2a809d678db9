import { afterEach, describe, expect, it } from 'vitest';
import {
  dueOutboundJobs,
  migrate,
  nextOutboundDue,
  openEncryptedDatabase,
  schemaVersion,
  workspaceScope,
} from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 022 (outbound queue) on an encrypted database', () => {
  it('applies once, after 021', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 21);
    expect(migrate(db, 22)).toEqual([22]);
    expect(schemaVersion(db)).toBe(22);
    expect(db.prepare('SELECT count(*) FROM outbound_jobs').pluck().get()).toBe(0);
    db.close();
  });

  it('hands out queued jobs when due, and never a finished one', () => {
    env = tempDatabase();
    const store = env.open();
    const ws = store.workspaces.create('Acme');
    const scoped = store.in(workspaceScope(ws.id));
    const numberId = 'n1';
    store.db
      .prepare(
        `INSERT INTO whatsapp_numbers (id, workspace_id, phone_number_id, business_account_id,
           display_phone_number, access_token_wrapped, app_secret_wrapped,
           verify_token_wrapped, verify_token_hash, created_at, updated_at)
         VALUES (?, ?, 'p1', 'w1', '+1', x'00', x'00', x'00', 'h', 0, 0)`,
      )
      .run(numberId, ws.id);
    const contactId = scoped.contacts.upsert('5511987654321', null);
    const conversationId = scoped.conversations.touchInbound(numberId, contactId, 1);
    const messageId = scoped.messages.insertOutbound({
      conversationId,
      body: 'hi',
      sentBy: null as unknown as string,
      rawJson: '{}',
    });
    const jobId = scoped.outbound.enqueue({ messageId, kind: 'text', payloadJson: '{}' });
    const now = store.clock.now();
    expect(dueOutboundJobs(store, now, 10).map((j) => j.id)).toEqual([jobId]);

    expect(scoped.outbound.retryAt(jobId, now + 5000, 'graph_http_503')).toBe(true);
    expect(dueOutboundJobs(store, now, 10)).toEqual([]);
    expect(nextOutboundDue(store)).toBe(now + 5000);

    expect(scoped.outbound.finish(jobId, 'done', null)).toBe(true);
    expect(scoped.outbound.finish(jobId, 'failed', 'late')).toBe(false);
    expect(dueOutboundJobs(store, now + 10_000, 10)).toEqual([]);
    expect(nextOutboundDue(store)).toBeNull();
    store.close();
  });
});
