import { createHash, randomBytes } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@flowgento/core';
import {
  checkMediaUrl,
  GraphMediaClient,
  parseWebhook,
  startCloudApiSimulator,
  type CloudApiSimulator,
  type MediaInfo,
} from '../src/index.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { NUMBER } from './support/simulated.ts';

let simulator: CloudApiSimulator | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await simulator?.close();
  await receiver?.close();
  simulator = receiver = undefined;
});

async function start(mediaUrlTtlMs?: number) {
  receiver = await startReceiver(() => ({ status: 200 }));
  simulator = await startCloudApiSimulator({
    webhookUrl: `${receiver.url}/webhooks/whatsapp`,
    logger: silentLogger(),
    mediaUrlTtlMs,
  });
  simulator.registerNumber(NUMBER);
  const client = new GraphMediaClient({
    baseUrl: simulator.baseUrl,
    apiVersion: 'v23.0',
  });
  return { simulator, receiver, client };
}

const customer = {
  phoneNumberId: NUMBER.phoneNumberId,
  from: '5511987654321',
  profileName: 'Ana',
};
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(3000)]);

function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

describe('simulated inbound media', () => {
  it('posts a document webhook in the documented shape, with caption and filename', async () => {
    const { simulator, receiver } = await start();
    const sent = await simulator.sendCustomerMedia({
      ...customer,
      kind: 'document',
      bytes: PDF,
      mimeType: 'application/pdf',
      caption: 'My invoice',
      filename: 'invoice.pdf',
    });

    const body = JSON.parse(receiver.requests[0]!.body.toString('utf8')) as unknown;
    const parsed = parseWebhook(body);
    expect(parsed.ok && parsed.batches[0]?.messages[0]).toMatchObject({
      waMessageId: sent.waMessageId,
      type: 'document',
      text: 'My invoice',
      media: {
        kind: 'document',
        mediaId: sent.mediaId,
        mimeType: 'application/pdf',
        sha256: createHash('sha256').update(PDF).digest('hex'),
        caption: 'My invoice',
        filename: 'invoice.pdf',
      },
    });
  });

  it('answers the media lookup and serves the bytes to the number’s bearer token', async () => {
    const { simulator, client } = await start();
    const { mediaId } = await simulator.sendCustomerMedia({
      ...customer,
      kind: 'image',
      bytes: PDF,
      mimeType: 'image/jpeg',
    });

    const info = await client.lookup(mediaId, NUMBER.accessToken);
    expect(info).toMatchObject({
      id: mediaId,
      mimeType: 'image/jpeg',
      fileSize: PDF.length,
    });
    expect(info.url.startsWith(`${simulator.baseUrl}/media-download/`)).toBe(true);
    const bytes = await bytesOf(await client.download(info, 'image', NUMBER.accessToken));
    expect(bytes.equals(PDF)).toBe(true);
  });

  it('refuses another token, an unsigned URL and a stale URL', async () => {
    const { simulator, client } = await start(200);
    const { mediaId } = await simulator.sendCustomerMedia({
      ...customer,
      kind: 'audio',
      bytes: PDF,
      mimeType: 'audio/ogg',
    });

    await expect(client.lookup(mediaId, 'EAAG-someone-else')).rejects.toMatchObject({
      reason: 'graph_190',
    });
    const info = await client.lookup(mediaId, NUMBER.accessToken);
    const unsigned = await fetch(`${simulator.baseUrl}/media-download/${mediaId}`, {
      headers: { authorization: `Bearer ${NUMBER.accessToken}` },
    });
    expect(unsigned.status).toBe(403);
    const noToken = await fetch(info.url);
    expect(noToken.status).toBe(401);

    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(
      client.download(info, 'audio', NUMBER.accessToken),
    ).rejects.toMatchObject({
      reason: 'media_url_expired',
      details: { retryable: true },
    });
  });

  it('answers a forgotten media id with media_not_found, and 503s as retryable', async () => {
    const { simulator, client } = await start();
    const { mediaId } = await simulator.sendCustomerMedia({
      ...customer,
      kind: 'video',
      bytes: PDF,
      mimeType: 'video/mp4',
    });
    simulator.failMediaDownloads(mediaId, 1);
    const info = await client.lookup(mediaId, NUMBER.accessToken);
    await expect(
      client.download(info, 'video', NUMBER.accessToken),
    ).rejects.toMatchObject({
      details: { retryable: true, httpStatus: 503 },
    });

    simulator.forgetMedia(mediaId);
    await expect(client.lookup(mediaId, NUMBER.accessToken)).rejects.toMatchObject({
      reason: 'media_not_found',
      details: { retryable: false },
    });
  });
});

describe('checks on downloaded media', () => {
  it('fails the stream when the bytes do not match Meta’s SHA-256', async () => {
    const { simulator, client } = await start();
    const { mediaId } = await simulator.sendCustomerMedia({
      ...customer,
      kind: 'sticker',
      bytes: PDF,
      mimeType: 'image/webp',
      reportedSha256: createHash('sha256').update('other bytes').digest('hex'),
    });
    const info = await client.lookup(mediaId, NUMBER.accessToken);
    const stream = await client.download(info, 'sticker', NUMBER.accessToken);
    await expect(text(stream)).rejects.toMatchObject({
      reason: 'media_checksum_mismatch',
    });
  });

  it('refuses a file over WhatsApp’s limit for its kind before downloading', async () => {
    const { simulator, client } = await start();
    const big = randomBytes(600 * 1024);
    const { mediaId } = await simulator.sendCustomerMedia({
      ...customer,
      kind: 'sticker',
      bytes: big,
      mimeType: 'image/webp',
    });
    const info = await client.lookup(mediaId, NUMBER.accessToken);
    await expect(
      client.download(info, 'sticker', NUMBER.accessToken),
    ).rejects.toMatchObject({
      reason: 'media_too_large',
    });
  });

  it('fails the stream when the file is longer than Graph declared', async () => {
    const { simulator, client } = await start();
    const { mediaId } = await simulator.sendCustomerMedia({
      ...customer,
      kind: 'image',
      bytes: PDF,
      mimeType: 'image/png',
    });
    const info = await client.lookup(mediaId, NUMBER.accessToken);
    const lying: MediaInfo = { ...info, fileSize: PDF.length - 10 };
    await expect(
      client.download(lying, 'image', NUMBER.accessToken),
    ).rejects.toMatchObject({
      reason: 'media_size_mismatch',
    });
  });
});

describe('media URLs the token may be sent to', () => {
  const graph = new URL('https://graph.facebook.com/');

  it('takes https on the Graph host or Meta’s media host only', () => {
    expect(checkMediaUrl('https://lookaside.fbsbx.com/x?mid=1', graph).hostname).toBe(
      'lookaside.fbsbx.com',
    );
    for (const url of [
      'http://lookaside.fbsbx.com/x',
      'https://lookaside.fbsbx.com.evil.test/x',
      'https://lookaside.fbsbx.com:8443/x',
      'https://user:pw@graph.facebook.com/x',
      'https://127.0.0.1/x',
      'not a url',
    ]) {
      expect(() => checkMediaUrl(url, graph), url).toThrow(
        expect.objectContaining({ reason: 'media_url_refused' }),
      );
    }
  });

  it('takes only the simulator’s own origin when the base is the loopback simulator', () => {
    const sim = new URL('http://127.0.0.1:4000/');
    expect(checkMediaUrl('http://127.0.0.1:4000/media-download/1', sim).port).toBe(
      '4000',
    );
    expect(() => checkMediaUrl('http://127.0.0.1:4001/media-download/1', sim)).toThrow();
    expect(() => checkMediaUrl('https://lookaside.fbsbx.com/x', sim)).toThrow();
  });
});
