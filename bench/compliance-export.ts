/**
 * `npm run bench` (last part): an access export of one contact with 10,000
 * messages and their files (issue #8: under a minute), on a real encrypted
 * database and the built-in local-disk media tier, files sealed as the
 * media fetcher seals them and decrypted on the way out.
 *
 * The export streams to a zip file; peak resident memory is sampled while
 * it runs, to show it stays flat (pages of 500 messages, files streamed).
 *
 * Flags: --messages=N (10000), --files=N (200), --file-kib=N (256).
 * Exits 1 when the export takes a minute or more.
 */
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  rmSync,
  statSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { AccessLog, AuditLog } from '@flowgento/audit';
import { createLogger, systemClock } from '@flowgento/core';
import { encryptStream, newStreamKey } from '@flowgento/crypto';
import {
  ContactExporter,
  DEFAULT_DISCLOSURE,
  mediaAad,
  mediaObjectKey,
  MediaService,
  NumberSettingsService,
} from '@flowgento/messaging';
import { workspaceScope } from '@flowgento/store';
import { openAppliance } from '../apps/server/src/appliance.ts';
import { offlineTiers } from '../apps/server/src/cli/offline-tiers.ts';
import { loadConfig } from '../apps/server/src/config.ts';

const TARGET_S = 60;
const { values: flags } = parseArgs({
  args: process.argv.slice(3),
  options: {
    messages: { type: 'string', default: '10000' },
    files: { type: 'string', default: '200' },
    'file-kib': { type: 'string', default: '256' },
  },
});
const messageCount = Number(flags.messages);
const fileCount = Math.min(Number(flags.files), messageCount);
const fileBytes = Number(flags['file-kib']) * 1024;

const out = (text: string) => process.stdout.write(text);
const dir = mkdtempSync(join(tmpdir(), 'fg-bench-export-'));
const logger = createLogger({ level: 'warn' });
const config = loadConfig({
  env: {
    FLOWGENTO_DATA_DIR: join(dir, 'data'),
    FLOWGENTO_KEY_FILE: join(dir, 'keys', 'root.key'),
    FLOWGENTO_SIMULATOR: 'off',
  },
});

try {
  const appliance = await openAppliance(config, logger);
  const store = appliance.store;
  const audit = new AuditLog(store);
  const { tiers } = offlineTiers(appliance, config.dataDir, logger);
  const acting = (workspaceId: string) => ({
    scope: workspaceScope(workspaceId),
    actor: { type: 'system' as const, label: 'bench' },
    origin: { ip: null, userAgent: null },
  });

  // The contact, its conversation and its messages, in one transaction.
  const workspace = store.transaction(() => store.workspaces.create('Bench Export'));
  const scope = workspaceScope(workspace.id);
  const number = new NumberSettingsService(
    store,
    appliance.keyRing,
    audit,
    () => undefined,
  ).save(acting(workspace.id), {
    phoneNumberId: '100000000000001',
    businessAccountId: '200000000000001',
    displayPhoneNumber: '+1 555 0100',
    accessToken: randomBytes(24).toString('hex'),
    appSecret: randomBytes(24).toString('hex'),
    verifyToken: randomBytes(12).toString('hex'),
  });
  const start = Date.now() - messageCount * 60_000;
  const every = Math.max(1, Math.floor(messageCount / Math.max(fileCount, 1)));
  const { contactId, mediaIds } = store.transaction(() => {
    const scoped = store.in(scope);
    const contactId = scoped.contacts.upsert('919812345678', 'Bench Customer');
    const conversationId = scoped.conversations.touchInbound(number.id, contactId, start);
    const mediaIds: string[] = [];
    for (let i = 0; i < messageCount; i += 1) {
      const withFile = fileCount > 0 && i % every === 0 && mediaIds.length < fileCount;
      const messageId = scoped.messages.insertInbound({
        conversationId,
        waMessageId: `wamid.bench.${i}`,
        type: withFile ? 'image' : 'text',
        body: withFile
          ? null
          : `Message ${i}: where is my order, and when will it arrive?`,
        rawJson: '{}',
        replyToWaMessageId: null,
        occurredAt: start + i * 60_000,
      })!;
      if (withFile) {
        mediaIds.push(
          scoped.media.insertPending({
            messageId,
            numberId: number.id,
            waMediaId: `media-${i}`,
            kind: 'image',
            filename: null,
            mimeType: 'image/jpeg',
          }),
        );
      }
    }
    return { contactId, mediaIds };
  });

  // Each file sealed and stored as the media fetcher stores it.
  const plain = randomBytes(fileBytes);
  for (const mediaId of mediaIds) {
    const key = newStreamKey();
    const sealedPath = join(dir, 'sealed');
    await pipeline(
      Readable.from([plain]),
      encryptStream(key, { aad: mediaAad.object(workspace.id, mediaId) }),
      createWriteStream(sealedPath),
    );
    const objectKey = mediaObjectKey(workspace.id, mediaId);
    const put = await tiers.put(scope, 'media-hot', objectKey, () =>
      createReadStream(sealedPath),
    );
    store.transaction(() =>
      store.in(scope).media.markStored(mediaId, {
        mimeType: 'image/jpeg',
        size: fileBytes,
        objectKey,
        providerId: put.providerId,
        sealedSize: put.size,
        sealedSha256: put.sha256,
        keyWrapped: appliance.keyRing.wrap(key.toString('base64'), mediaAad.key(mediaId)),
      }),
    );
  }

  // The export, timed, with resident memory sampled while it runs.
  const exporter = new ContactExporter(
    store,
    new MediaService(store, tiers, appliance.keyRing),
    audit,
    systemClock,
    new AccessLog(store, appliance.keyRing, audit),
  );
  const zipPath = join(dir, 'export.zip');
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 20);
  const began = process.hrtime.bigint();
  const counts = await exporter
    .begin(acting(workspace.id), contactId, {
      requestId: null,
      storageRecipients: [],
      disclosure: DEFAULT_DISCLOSURE,
    })
    .streamTo(createWriteStream(zipPath));
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  clearInterval(sampler);
  store.close();

  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const widths = [10, 8, 10, 10, 14, 10, 8];
  const row = (cells: string[]) =>
    `${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ')}\n`;
  out('\nContact export (one contact, streamed zip)\n');
  out(
    row(['messages', 'files', 'zip MiB', 'seconds', 'rss +MiB peak', 'target s', 'ok']),
  );
  const ok = seconds < TARGET_S;
  out(
    row([
      String(counts.messages),
      String(counts.files),
      mib(statSync(zipPath).size),
      seconds.toFixed(2),
      mib(rssPeak - rssBefore),
      String(TARGET_S),
      ok ? 'yes' : 'NO',
    ]),
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
