import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { unwrapSecret } from '@flowgento/crypto';
import { ringAad } from '@flowgento/messaging';
import { ApiClient, startTestAppliance, type TestAppliance } from './harness.ts';
import {
  AGENT,
  OWNER,
  REAL_NUMBER,
  deliverText,
  setupOwner,
  startGraphRecorder,
} from './flows.ts';
import { runCli, type CliResult } from './cli-run.ts';
import { subkeysOf } from '../src/keys/subkeys.ts';

let t: TestAppliance | undefined;
let graph: Awaited<ReturnType<typeof startGraphRecorder>> | undefined;
afterEach(async () => {
  await t?.cleanup();
  await graph?.close();
  t = graph = undefined;
});

const CUSTOMER_TEXT = 'The blender I ordered arrived without its lid';

/** Every form in which a key could show up in a log line. */
function forms(key: Buffer): string[] {
  const hex = key.toString('hex');
  return [hex, hex.toUpperCase(), key.toString('base64'), key.toString('base64url')];
}

/** The root key, its four subkeys and the active master keys, in every form. */
function keyMaterial(app: TestAppliance, label: string): Record<string, string> {
  const { appliance } = app.running;
  const root = Buffer.from(readFileSync(appliance.keyFilePath!, 'utf8').trim(), 'hex');
  const keys: Record<string, Buffer> = {
    root,
    ...subkeysOf(root, appliance.state.installationId),
  };
  for (const entry of appliance.store.keyRing.all()) {
    if (!entry.wrappedKey) continue;
    keys[`master ${entry.id}`] = unwrapSecret(
      appliance.secretsKey,
      entry.wrappedKey,
      ringAad(entry.id),
    );
  }
  const found: Record<string, string> = {};
  for (const [name, key] of Object.entries(keys)) {
    forms(key).forEach((form, index) => (found[`${label} ${name} (${index})`] = form));
  }
  // A line from the middle of the TLS server key's PEM body.
  found[`${label} TLS server key`] = app.running.tls.serverKeyPem.split('\n')[5]!;
  return found;
}

describe('the logs of a full session with key rotation and a database rekey', () => {
  it('contain no token, secret, key, password or code', async () => {
    graph = await startGraphRecorder();
    t = await startTestAppliance();
    t.config.whatsapp.graphApiBaseUrl = graph.baseUrl;
    await t.restart();
    const app = () => t!.running;
    const setupCode = t.running.setupCode!;
    const owner = await setupOwner(app);
    await owner.mutate('whatsapp.save', REAL_NUMBER);
    const simulated = await owner.mutate<{ id: string }>('whatsapp.connectSimulator');
    const invite = await owner.mutate<{ code: string }>('members.invite', {
      role: 'AGENT',
      email: AGENT.email,
    });
    const agent = new ApiClient(app);
    await agent.mutate('auth.acceptInvite', { code: invite.code, ...AGENT });

    expect((await deliverText(t.running, { text: CUSTOMER_TEXT })).status).toBe(200);
    await agent.mutate('simulator.customerMessage', {
      numberId: simulated.id,
      from: '447700900777',
      profileName: 'Sam Simulated',
      text: 'Hello from the simulator',
    });
    const conversations =
      await agent.query<{ id: string; contact: { waId: string } }[]>(
        'inbox.conversations',
      );
    for (const conversation of conversations) {
      await agent.mutate('inbox.reply', {
        conversationId: conversation.id,
        body: 'We are on it',
      });
    }
    expect(graph.sends).toHaveLength(1);

    const { numbers } = t.running.services;
    const stored = t.running.appliance.store.routing.allNumbers();
    const secrets: Record<string, string> = {
      setupCode,
      inviteCode: invite.code,
      ownerPassword: OWNER.password,
      agentPassword: AGENT.password,
      ownerSession: owner.cookie!.split('=')[1]!,
      agentSession: agent.cookie!.split('=')[1]!,
      ...Object.fromEntries(
        stored.flatMap((number) =>
          (['accessToken', 'appSecret', 'verifyToken'] as const).map((name) => [
            `${number.phoneNumberId} ${name}`,
            numbers.unwrap(number, name),
          ]),
        ),
      ),
      ...keyMaterial(t, 'before'),
    };

    await t.stop();
    const flags = ['--data-dir', t.config.dataDir, '--key-file', t.config.keyFile!];
    const debug = { FLOWGENTO_LOG_LEVEL: 'debug' };
    const cli: CliResult[] = [
      await runCli(['keys', 'rotate', ...flags], debug),
      await runCli(['keys', 'rekey-database', ...flags], debug),
    ];
    expect(cli.map((result) => result.code)).toEqual([0, 0]);

    await t.start();
    expect((await deliverText(t.running, { text: 'after the rekey' })).status).toBe(200);
    await owner.mutate('auth.login', { email: OWNER.email, password: OWNER.password });
    Object.assign(secrets, keyMaterial(t, 'after'), {
      ownerSessionAfter: owner.cookie!.split('=')[1]!,
    });

    const log = [t.logs.text, ...cli.flatMap((r) => [r.stdout, r.stderr])].join('\n');
    expect(log).toContain('opened the encrypted data folder');
    expect(Object.keys(secrets).length).toBeGreaterThan(40);
    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length, name).toBeGreaterThanOrEqual(8);
      expect(log.includes(value), `${name} leaked into the log`).toBe(false);
    }
  }, 90_000);
});
