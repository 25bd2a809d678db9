import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openForContact, openEncryptedDatabase, SHREDDED_TEXT } from '@flowgento/store';
import type { RunningAppliance } from '../src/server.ts';
import { folderFlags, runCli } from './cli-run.ts';
import { addAgent, setupOwner } from './flows.ts';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';
import { getMedia, settledMedia } from './media-support.ts';
import { contactIdOf } from './sealed.ts';

/**
 * A media file's own key is sealed under its contact's key inside the key
 * ring's wrap (issue 8): `keys rotate` reseals the ring's layer without
 * opening the inner one, the agent still gets the file, and a database
 * copied before an erasure holds a file key nobody can open.
 */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let phoneNumberId: string;
let folder: string;
const app = (): RunningAppliance => t.running;
const CUSTOMER = { from: '5511987600042', profileName: 'Bia Lima' };

beforeAll(async () => {
  t = await startTestAppliance();
  owner = await setupOwner(app);
  agent = await addAgent(app, owner);
  phoneNumberId = (
    await owner.mutate<{ phoneNumberId: string }>('whatsapp.connectSimulator')
  ).phoneNumberId;
  folder = mkdtempSync(join(tmpdir(), 'fg-media-key-'));
}, 60_000);
afterAll(async () => {
  await t.cleanup();
  rmSync(folder, { recursive: true, force: true });
});

/** The ring's layer of a file key, opened: what a snapshot's reader with the ring sees. */
function innerKeyOf(db: RunningAppliance['appliance']['store']['db'], mediaId: string) {
  const blob = db
    .prepare('SELECT key_wrapped FROM media WHERE id = ?')
    .pluck()
    .get(mediaId) as Buffer;
  return app().appliance.keyRing.unwrapText(blob, `media/${mediaId}/key`);
}

describe("a media file's key", () => {
  it('survives a key rotation sealed under its contact, and is useless in a copy once the contact is erased', async () => {
    const image = randomBytes(60_000);
    await t.running.simulator!.sendCustomerMedia({
      ...CUSTOMER,
      phoneNumberId,
      kind: 'image',
      bytes: image,
      mimeType: 'image/jpeg',
    });
    const media = await settledMedia(agent);
    expect(media.state).toBe('stored');
    expect(innerKeyOf(app().appliance.store.db, media.id)).toMatch(/^fgc1:/);

    await t.stop();
    const rotated = await runCli(['keys', 'rotate', ...folderFlags(t)]);
    expect(rotated.stderr).toBe('');
    expect(rotated.code).toBe(0);
    await t.start();
    const reply = await getMedia(app(), media.id, agent);
    expect(reply.status).toBe(200);
    expect(reply.body.equals(image)).toBe(true);

    // "Yesterday": a consistent copy, as a snapshot is made.
    const path = join(folder, 'yesterday.db');
    app().appliance.store.db.prepare('VACUUM INTO ?').run(path);
    const contactId = contactIdOf(app().appliance.store, CUSTOMER.from)!;
    await owner.mutate('contacts.erase', { contactId, reason: 'request by phone' });

    const yesterday = openEncryptedDatabase({ path, key: app().appliance.databaseKey });
    try {
      const inner = innerKeyOf(yesterday, media.id);
      expect(inner).toMatch(/^fgc1:/);
      const key = app().appliance.store.contactKeys?.contactKey(
        yesterday.prepare('SELECT workspace_id FROM media').pluck().get() as string,
        contactId,
        false,
      );
      expect(key).toBeUndefined();
      expect(openForContact(key, inner, `media/${media.id}/file_key`)).toBe(
        SHREDDED_TEXT,
      );
    } finally {
      yesterday.close();
    }
  }, 90_000);
});
