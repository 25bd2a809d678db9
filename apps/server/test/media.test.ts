import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudApiSimulator } from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import {
  addAgent,
  memberOfAnotherWorkspace,
  setupOwner,
  supportCaller,
} from './flows.ts';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';
import { getMedia, newestMedia, settledMedia } from './media-support.ts';

/**
 * Inbound media end to end through the API: the simulator plays a customer
 * sending files, the appliance fetches, seals and stores them, and members
 * read them back through GET /media/<id>.
 */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let phoneNumberId: string;
const app = (): RunningAppliance => t.running;
const simulator = (): CloudApiSimulator => t.running.simulator!;
const CUSTOMER = { from: '5511987654321', profileName: 'Ana Souza' };

/** A file whose every chunk carries a marker that must never reach the disk in clear. */
const MARKER = 'PLAINTEXT-MARKER-7f3a';
function fileWithMarker(bytes = 150_000): Buffer {
  const body = Buffer.alloc(bytes, `${MARKER} `);
  randomBytes(16).copy(body, 0);
  return body;
}

beforeAll(async () => {
  t = await startTestAppliance();
  owner = await setupOwner(app);
  agent = await addAgent(app, owner);
  const number = await owner.mutate<{ phoneNumberId: string }>(
    'whatsapp.connectSimulator',
  );
  phoneNumberId = number.phoneNumberId;
});
afterAll(() => t.cleanup());

function objectsUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('inbound media', () => {
  it('stores an image sealed on disk and gives the agent the same bytes back', async () => {
    const image = fileWithMarker();
    await simulator().sendCustomerMedia({
      ...CUSTOMER,
      phoneNumberId,
      kind: 'image',
      bytes: image,
      mimeType: 'image/jpeg',
      caption: 'The box arrived like this',
    });
    const media = await settledMedia(agent);
    expect(media).toMatchObject({
      state: 'stored',
      kind: 'image',
      mimeType: 'image/jpeg',
      size: image.length,
      body: 'The box arrived like this',
    });

    const workspaceFolder = join(t.config.dataDir, 'objects', 'media');
    const [object] = objectsUnder(workspaceFolder).filter((path) =>
      path.endsWith(media.id),
    );
    const sealed = readFileSync(object!);
    expect(sealed.length).toBeGreaterThan(image.length);
    expect(sealed.includes(Buffer.from(MARKER))).toBe(false);
    expect(objectsUnder(join(t.config.dataDir, 'media-spool'))).toEqual([]);

    const reply = await getMedia(app(), media.id, agent);
    expect(reply.status).toBe(200);
    expect(reply.body.equals(image)).toBe(true);
    expect(reply.headers).toMatchObject({
      'content-type': 'image/jpeg',
      'content-length': String(image.length),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    });
    expect(reply.headers['content-disposition']).toMatch(/^inline;/);
    expect(reply.headers['content-security-policy']).toContain('sandbox');
  });

  it('sends a document as an attachment with its name, and unknown types as octet-stream', async () => {
    const page = Buffer.from('<html><script>alert(1)</script></html>');
    await simulator().sendCustomerMedia({
      ...CUSTOMER,
      phoneNumberId,
      kind: 'document',
      bytes: page,
      mimeType: 'text/html',
      filename: 'invoice "final".html',
    });
    const media = await settledMedia(agent);
    expect(media).toMatchObject({ state: 'stored', filename: 'invoice "final".html' });

    const reply = await getMedia(app(), media.id, agent);
    expect(reply.body.equals(page)).toBe(true);
    expect(reply.headers['content-type']).toBe('application/octet-stream');
    expect(reply.headers['content-disposition']).toBe(
      `attachment; filename="invoice _final_.html"; filename*=UTF-8''invoice%20%22final%22.html`,
    );
  });

  it('refuses without a session, and answers another workspace like a missing file', async () => {
    const media = await newestMedia(agent);
    expect((await getMedia(app(), media.id)).status).toBe(401);

    const outsider = await memberOfAnotherWorkspace(app, 'OWNER');
    const theirs = await getMedia(app(), media.id, outsider.client);
    const missing = await getMedia(
      app(),
      '0190a0a0-0000-7000-8000-000000000000',
      outsider.client,
    );
    expect(theirs.status).toBe(404);
    expect(theirs.body.toString()).toBe(missing.body.toString());
  });

  it('lets a support person look, and writes each look down', async () => {
    const media = await newestMedia(agent);
    const [number] = t.running.appliance.store.routing.allNumbers();
    const support = supportCaller(app(), {
      label: 'support',
      userId: '',
      workspaceId: number!.workspaceId,
      role: 'SUPPORT',
      cookie: '',
    });
    const looks = () =>
      t.running.appliance.store.db
        .prepare(
          `SELECT count(*) FROM audit_log
           WHERE action = 'support.used' AND target_id = 'media.view'`,
        )
        .pluck()
        .get() as number;
    const before = looks();
    expect((await getMedia(app(), media.id, support)).status).toBe(200);
    expect(looks()).toBe(before + 1);
  });

  it('keeps a file whose bytes miss Meta’s SHA-256 as failed, with the reason', async () => {
    await simulator().sendCustomerMedia({
      ...CUSTOMER,
      phoneNumberId,
      kind: 'audio',
      bytes: fileWithMarker(2000),
      mimeType: 'audio/ogg',
      reportedSha256: 'ab'.repeat(32),
    });
    const media = await settledMedia(agent);
    expect(media).toMatchObject({
      state: 'failed',
      failureReason: 'media_checksum_mismatch',
    });
    const reply = await getMedia(app(), media.id, agent);
    expect(reply.status).toBe(409);
    expect(JSON.parse(reply.body.toString())).toMatchObject({
      error: { reason: 'media_failed' },
    });
  });

  it('never sends a tampered file as complete', async () => {
    const video = fileWithMarker(200_000);
    await simulator().sendCustomerMedia({
      ...CUSTOMER,
      phoneNumberId,
      kind: 'video',
      bytes: video,
      mimeType: 'video/mp4',
    });
    const media = await settledMedia(agent);
    const [object] = objectsUnder(join(t.config.dataDir, 'objects', 'media')).filter(
      (path) => path.endsWith(media.id),
    );
    const sealed = readFileSync(object!);
    sealed[sealed.length - 100]! ^= 0x01;
    writeFileSync(object!, sealed);

    const reply = await getMedia(app(), media.id, agent);
    expect(reply.complete && reply.body.length === video.length).toBe(false);
    expect(video.subarray(0, reply.body.length).equals(reply.body)).toBe(true);
  });

  it('retries a 503 and resumes a pending fetch after a restart', async () => {
    const image = fileWithMarker(5000);
    const sent = await simulator().sendCustomerMedia({
      ...CUSTOMER,
      phoneNumberId,
      kind: 'sticker',
      bytes: image,
      mimeType: 'image/webp',
    });
    simulator().failMediaDownloads(sent.mediaId, 1000);
    // The first attempt runs at once and fails; the row waits for its retry.
    const deadline = Date.now() + 10_000;
    let media = await newestMedia(agent);
    while (Date.now() < deadline) {
      const row = t.running.appliance.store.db
        .prepare(`SELECT attempts, failure_reason AS reason FROM media WHERE id = ?`)
        .get(media.id) as { attempts: number; reason: string | null };
      if (row.attempts >= 1) {
        expect(row.reason).toBe('graph_http_503');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(media.state).toBe('pending');

    await t.stop();
    await t.start();
    // Meta still has the file; this simulator lives in the appliance's process.
    simulator().holdMedia({
      mediaId: sent.mediaId,
      phoneNumberId,
      bytes: image,
      mimeType: 'image/webp',
    });
    media = await settledMedia(agent);
    expect(media.state).toBe('stored');
    expect((await getMedia(app(), media.id, agent)).body.equals(image)).toBe(true);
  });

  it('removes the sealed file with its conversation, leaving nothing to open', async () => {
    await simulator().sendCustomerMedia({
      from: '5511911112222',
      profileName: 'Bia Lima',
      phoneNumberId,
      kind: 'document',
      bytes: fileWithMarker(40_000),
      mimeType: 'application/pdf',
      filename: 'invoice.pdf',
    });
    const media = await settledMedia(agent);
    expect(media.state).toBe('stored');
    const folder = join(t.config.dataDir, 'objects', 'media');
    const holding = () => objectsUnder(folder).filter((path) => path.endsWith(media.id));
    expect(holding()).toHaveLength(1);

    // The newest conversation is Bia's, whose file this is.
    const [conversation] = await owner.query<{ id: string }[]>('inbox.conversations');
    await owner.mutate('inbox.delete', { conversationId: conversation!.id });

    const deadline = Date.now() + 5_000;
    while (holding().length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(holding()).toEqual([]);
    expect((await getMedia(app(), media.id, agent)).status).toBe(404);
  });
});
