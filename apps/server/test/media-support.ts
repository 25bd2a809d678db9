import { request } from 'node:https';
import type { RunningAppliance } from '../src/server.ts';
import type { ApiClient } from './harness.ts';

export interface MediaReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** False when the connection ended before the whole body arrived. */
  complete: boolean;
}

/** GET a media file as the browser would, keeping the bytes as bytes. */
export function getMedia(
  app: RunningAppliance,
  mediaId: string,
  client?: { cookie?: string },
): Promise<MediaReply> {
  return new Promise((resolve, reject) => {
    const headers = client?.cookie ? { cookie: client.cookie } : {};
    const req = request(
      `${app.url}/media/${mediaId}`,
      { headers, ca: app.tls.caCertPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        const done = (complete: boolean) =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            complete,
          });
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(res.complete));
        res.on('error', () => done(false));
        res.on('aborted', () => done(false));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export interface ThreadMedia {
  id: string;
  kind: string;
  state: 'pending' | 'stored' | 'failed';
  mimeType: string | null;
  size: number | null;
  filename: string | null;
  failureReason: string | null;
}

/** The file of the newest message of the newest conversation, as the inbox shows it. */
export async function newestMedia(
  client: ApiClient,
): Promise<ThreadMedia & { body: string | null }> {
  const [conversation] = await client.query<{ id: string }[]>('inbox.conversations');
  const thread = await client.query<{
    messages: { body: string | null; media: ThreadMedia | null }[];
  }>('inbox.conversation', { conversationId: conversation!.id });
  const message = thread.messages.at(-1)!;
  return { ...message.media!, body: message.body };
}

/** Polls until the newest file leaves `pending` (or `ms` pass). */
export async function settledMedia(client: ApiClient, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const media = await newestMedia(client);
    if (media.state !== 'pending' || Date.now() > deadline) return media;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
