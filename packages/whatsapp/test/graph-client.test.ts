import { afterEach, describe, expect, it } from 'vitest';
import { GraphClient } from '../src/index.ts';
import { failureOf, graphError, sent, text, TOKEN } from './support/graph.ts';
import { startReceiver, type Receiver, type Reply } from './support/receiver.ts';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** A client whose n-th request gets answers[n], the last answer repeating. */
async function clientAnswering(
  answers: Reply[],
  extra: { maxAttempts?: number; timeoutMs?: number } = {},
) {
  receiver = await startReceiver(
    (_req, index) => answers[Math.min(index, answers.length - 1)]!,
  );
  const client = new GraphClient({
    baseUrl: receiver.url,
    apiVersion: 'v23.0',
    baseDelayMs: 1,
    ...extra,
  });
  return { client, receiver };
}

describe('GraphClient requests', () => {
  it('posts a text in the documented shape with a bearer token', async () => {
    const { client, receiver } = await clientAnswering([sent]);
    const result = await client.sendText({ ...text, replyToMessageId: 'wamid.IN1' });

    expect(result).toEqual({ waMessageId: 'wamid.OK1' });
    const [request] = receiver.requests;
    expect(request?.url).toBe('/v23.0/109876543210/messages');
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request!.body.toString())).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5511987654321',
      type: 'text',
      text: { body: 'Hello', preview_url: false },
      context: { message_id: 'wamid.IN1' },
    });
  });

  it('posts a template with its language and components', async () => {
    const { client, receiver } = await clientAnswering([sent]);
    const components = [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }];
    await client.sendTemplate({
      ...text,
      name: 'order_update',
      languageCode: 'pt_BR',
      components,
    });

    expect(JSON.parse(receiver.requests[0]!.body.toString())).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5511987654321',
      type: 'template',
      template: { name: 'order_update', language: { code: 'pt_BR' }, components },
    });
  });

  it('refuses a malformed recipient before sending anything', async () => {
    const { client, receiver } = await clientAnswering([sent]);
    const error = await failureOf(client.sendText({ ...text, to: 'not a number' }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'to' } });
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('GraphClient retries', () => {
  it('retries HTTP 500 twice and succeeds on the third request', async () => {
    const { client, receiver } = await clientAnswering([
      graphError(500, 1),
      graphError(500, 1),
      sent,
    ]);
    await expect(client.sendText(text)).resolves.toEqual({ waMessageId: 'wamid.OK1' });
    expect(receiver.requests).toHaveLength(3);
  });

  it('does not retry a 400 with code 100 and reports the Meta code', async () => {
    const { client, receiver } = await clientAnswering([graphError(400, 100), sent]);
    const error = await failureOf(client.sendText(text));

    expect(receiver.requests).toHaveLength(1);
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.reason).toBe('graph_100');
    expect(error.details).toMatchObject({
      metaCode: 100,
      metaSubcode: 2494010,
      retryable: false,
    });
  });

  it('retries a throttling code even when Meta sends it as HTTP 400', async () => {
    const { client, receiver } = await clientAnswering([graphError(400, 131056), sent]);
    await expect(client.sendText(text)).resolves.toEqual({ waMessageId: 'wamid.OK1' });
    expect(receiver.requests).toHaveLength(2);
  });

  it('gives up after maxAttempts and says the failure was retryable', async () => {
    const { client, receiver } = await clientAnswering([graphError(503, 2)], {
      maxAttempts: 2,
    });
    const error = await failureOf(client.sendText(text));
    expect(receiver.requests).toHaveLength(2);
    expect(error.details).toMatchObject({
      metaCode: 2,
      retryable: true,
      httpStatus: 503,
    });
  });

  it('times out an attempt that never answers and retries it', async () => {
    const { client, receiver } = await clientAnswering([{ status: 0, hang: true }], {
      maxAttempts: 2,
      timeoutMs: 150,
    });
    const error = await failureOf(client.sendText(text));
    expect(error.reason).toBe('graph_timeout');
    expect(receiver.requests).toHaveLength(2);
  });

  it('reports a refused connection as a retryable network failure', async () => {
    const { client, receiver } = await clientAnswering([sent], { maxAttempts: 2 });
    await receiver.close();
    const error = await failureOf(client.sendText(text));
    expect(error).toMatchObject({
      reason: 'graph_network',
      details: { retryable: true },
    });
  });
});
