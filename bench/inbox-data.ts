/**
 * The inbox bench's appliance: a data folder whose encrypted database holds
 * `conversations` conversations and ten times as many messages, spread over
 * `workspaces` workspaces, each with a number, an OWNER and five AGENTs.
 *
 * The schema comes from the store's own migrations (through openAppliance,
 * as a real start makes it); the bulk rows go in with direct, batched
 * INSERTs in large transactions. Rows go in in the order they would have
 * arrived (conversations by their first message, messages by time, across
 * all workspaces), so the tables are laid out as a real appliance's are:
 * recent messages together at the end. The folder is kept under the OS temp folder,
 * keyed by schema version and size, and reused while it is complete.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '@flowgento/audit';
import { newId, type Logger } from '@flowgento/core';
import { hashPassword } from '@flowgento/crypto';
import { NumberSettingsService, type KeyRing } from '@flowgento/messaging';
import {
  latestSchemaVersion,
  migrations,
  SearchIndex,
  workspaceScope,
  type Store,
} from '@flowgento/store';
import { openAppliance, type OpenedAppliance } from '../apps/server/src/appliance.ts';
import { openContactVault } from '../apps/server/src/contact-vault.ts';
import { loadConfig, type ApplianceConfig } from '../apps/server/src/config.ts';

/** Bump when the rows this file writes change shape. */
const DATA_FORMAT = 3;
const MESSAGES_PER_CONVERSATION = 10;
const AGENTS_PER_WORKSPACE = 5;
const DAY_MS = 86_400_000;
/** From a conversation's first message to its last. */
const SPAN_MS = MESSAGES_PER_CONVERSATION * 12 * 60_000;

export interface InboxScale {
  workspaces: number;
  conversations: number;
}

export interface BenchWorkspace {
  id: string;
  ownerEmail: string;
  /** AGENTs, for the "mine" filter. */
  agentIds: string[];
}

export interface InboxData {
  /** The data folder and key file, as the spawned appliance takes them. */
  env: Record<string, string>;
  config: ApplianceConfig;
  password: string;
  workspaces: BenchWorkspace[];
  schemaVersion: number;
}

interface Manifest extends Omit<InboxData, 'config' | 'env'> {
  format: number;
  scale: InboxScale;
  buildSeconds: number;
}

/**
 * Which migrations made the schema, not only the last one's number: two
 * lines of work can reach the same version with different tables, and a
 * cache built by one must not be read by the other.
 */
const SCHEMA_SHAPE = createHash('sha256')
  .update(migrations.map((m) => `${m.version}:${m.name}`).join('\n'))
  .digest('hex')
  .slice(0, 8);

/** The cached folder for this scale and schema, built first when missing. */
export async function inboxData(
  scale: InboxScale,
  logger: Logger,
  say: (line: string) => void,
): Promise<InboxData & { built: boolean; buildSeconds: number }> {
  const dir = join(
    tmpdir(),
    `flowgento-bench-inbox-v${latestSchemaVersion}-${SCHEMA_SHAPE}-f${DATA_FORMAT}-` +
      `${scale.workspaces}x${scale.conversations}`,
  );
  const env = benchEnv(dir);
  const config = loadConfig({ env });
  const manifestPath = join(dir, 'bench-manifest.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (
      manifest.format === DATA_FORMAT &&
      manifest.schemaVersion === latestSchemaVersion
    ) {
      say(`  reusing ${dir} (built in ${manifest.buildSeconds.toFixed(0)} s)\n`);
      return { ...manifest, env, config, built: false };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  say(`  building ${dir} …\n`);
  const started = performance.now();
  const appliance = await openAppliance(config, logger);
  const { store, keyRing } = appliance;
  let workspaces: BenchWorkspace[];
  const password = 'bench-password-0123';
  try {
    workspaces = await addWorkspaces(store, keyRing, scale.workspaces, password);
    // A throwaway build: no fsync, and room for the indexes' hot pages.
    store.db.pragma('synchronous = OFF');
    store.db.pragma('cache_size = -262144');
    const perWorkspace = Math.round(scale.conversations / scale.workspaces);
    insertTraffic(store, workspaces, perWorkspace, say);
    say(`    ${sealNumbers(appliance, config.dataDir)} numbers sealed\n`);
    say(`    ${buildSearchIndex(appliance, config.dataDir)} messages indexed\n`);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.db.exec('ANALYZE');
  } finally {
    store.close();
  }
  const buildSeconds = (performance.now() - started) / 1000;
  const manifest: Manifest = {
    format: DATA_FORMAT,
    scale,
    schemaVersion: latestSchemaVersion,
    password,
    workspaces,
    buildSeconds,
  };
  // Written last: its presence marks a complete folder.
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return { ...manifest, env, config, built: true };
}

/** What `npm start` would be given for this folder, on loopback only. */
function benchEnv(dir: string): Record<string, string> {
  return {
    FLOWGENTO_DATA_DIR: join(dir, 'data'),
    FLOWGENTO_KEY_FILE: join(dir, 'keys', 'root.key'),
    FLOWGENTO_HOST: '127.0.0.1',
    FLOWGENTO_HTTP_PORT: 'off',
    FLOWGENTO_LOG_LEVEL: 'warn',
    // The backup engine would snapshot the cached database into the folder
    // at every start; the backup bench measures it.
    FLOWGENTO_BACKUP: 'off',
  };
}

async function addWorkspaces(
  store: Store,
  keyRing: KeyRing,
  count: number,
  password: string,
): Promise<BenchWorkspace[]> {
  const passwordHash = await hashPassword(password);
  const numbers = new NumberSettingsService(
    store,
    keyRing,
    new AuditLog(store),
    () => undefined,
  );
  const out: BenchWorkspace[] = [];
  for (let w = 0; w < count; w += 1) {
    const workspace = store.transaction(() => store.workspaces.create(`Bench ${w}`));
    const scoped = store.in(workspaceScope(workspace.id));
    const ownerEmail = `owner${w}@bench.test`;
    const agentIds = store.transaction(() => {
      const owner = store.users.create({
        email: ownerEmail,
        displayName: `Owner ${w}`,
        passwordHash,
      });
      scoped.members.add(owner.id, 'OWNER');
      return Array.from({ length: AGENTS_PER_WORKSPACE }, (_, a) => {
        const agent = store.users.create({
          email: `agent${w}-${a}@bench.test`,
          displayName: `Agent ${w}.${a}`,
          passwordHash,
        });
        scoped.members.add(agent.id, 'AGENT');
        return agent.id;
      });
    });
    numbers.save(
      {
        scope: workspaceScope(workspace.id),
        actor: { type: 'system', label: 'bench' },
        origin: { ip: null, userAgent: null },
      },
      {
        phoneNumberId: String(100000000000000 + w),
        businessAccountId: String(200000000000000 + w),
        displayPhoneNumber: `+1 555 01${String(w).padStart(2, '0')}`,
        accessToken: randomBytes(24).toString('hex'),
        appSecret: randomBytes(24).toString('hex'),
        verifyToken: randomBytes(12).toString('hex'),
      },
    );
    out.push({ id: workspace.id, ownerEmail, agentIds });
  }
  return out;
}

interface ConversationPlan {
  w: number;
  c: number;
  id: string;
  waId: string;
  first: number;
  last: number;
  assignee: string | null;
}

/**
 * Every workspace's contacts, conversations and messages. Last messages are
 * spread over 90 days; each conversation's ten messages alternate customer
 * and agent within the two hours before its last one, which is the
 * customer's. Four in ten conversations are unassigned, the rest spread
 * over the AGENTs.
 */
function insertTraffic(
  store: Store,
  workspaces: BenchWorkspace[],
  perWorkspace: number,
  say: (line: string) => void,
): void {
  const now = Date.now();
  const plans: ConversationPlan[] = [];
  workspaces.forEach((workspace, w) => {
    for (let c = 0; c < perWorkspace; c += 1) {
      const last = now - Math.floor(Math.random() * 90 * DAY_MS);
      const roll = Math.random();
      plans.push({
        w,
        c,
        id: '',
        waId: String(919000000000 + w * 10_000_000 + c),
        first: last - SPAN_MS,
        last,
        assignee:
          roll < 0.4
            ? null
            : workspace.agentIds[Math.floor(roll * 10) % AGENTS_PER_WORKSPACE]!,
      });
    }
  });
  plans.sort((a, b) => a.first - b.first);
  insertConversations(store, workspaces, plans);
  say(`    ${plans.length} conversations\n`);

  // Message k of conversation i, in time order: (i, k) packed as i * 10 + k.
  const count = plans.length * MESSAGES_PER_CONVERSATION;
  const at = new Float64Array(count);
  plans.forEach((plan, i) => {
    for (let m = 0; m < MESSAGES_PER_CONVERSATION; m += 1) {
      at[i * MESSAGES_PER_CONVERSATION + m] =
        m === MESSAGES_PER_CONVERSATION - 1
          ? plan.last
          : plan.first + m * 12 * 60_000 + Math.floor(Math.random() * 600_000);
    }
  });
  const order = Uint32Array.from({ length: count }, (_, i) => i).sort(
    (a, b) => at[a]! - at[b]!,
  );
  const batch = 100_000;
  for (let start = 0; start < count; start += batch) {
    insertMessages(store, workspaces, plans, at, order.subarray(start, start + batch));
    say(`    ${Math.min(start + batch, count)} messages\n`);
  }
}

/**
 * Seals the contacts' numbers and gives them their hash (migration 058), as
 * the server does at start with rows written without the vault: the bench
 * then serves what a real appliance holds, and its first start does not
 * pay for the sealing. Messages stay plain (read as they are).
 */
function sealNumbers(appliance: OpenedAppliance, dataDir: string): number {
  const { store } = appliance;
  const vault = openContactVault(appliance, dataDir);
  store.contactKeys = vault;
  try {
    return store.transaction(() =>
      vault.transaction(() =>
        store.workspaces
          .list()
          .reduce(
            (sealed, w) =>
              sealed + store.in(workspaceScope(w.id)).contacts.sealPlainNumbers(),
            0,
          ),
      ),
    );
  } finally {
    store.contactKeys = undefined;
    vault.close();
  }
}

/**
 * Builds the message search index (its own file, `SearchIndex`) from the
 * messages, as the server does at its first start.
 */
function buildSearchIndex(appliance: OpenedAppliance, dataDir: string): number {
  const { store } = appliance;
  const vault = openContactVault(appliance, dataDir);
  store.contactKeys = vault;
  const index = SearchIndex.attach(store, vault.searchIndexFile());
  try {
    return index.refresh().indexed;
  } finally {
    index.detach();
    store.contactKeys = undefined;
    vault.close();
  }
}

function insertConversations(
  store: Store,
  workspaces: BenchWorkspace[],
  plans: ConversationPlan[],
): void {
  const db = store.db;
  const numberIds = workspaces.map(
    (workspace) =>
      db
        .prepare('SELECT id FROM whatsapp_numbers WHERE workspace_id = ?')
        .pluck()
        .get(workspace.id) as string,
  );
  const contact = db.prepare(
    `INSERT INTO contacts (id, workspace_id, wa_id, profile_name, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const conversation = db.prepare(
    `INSERT INTO conversations (id, workspace_id, number_id, contact_id, last_message_at,
       last_inbound_at, unread_count, created_at, assignee_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const plan of plans) {
      const workspaceId = workspaces[plan.w]!.id;
      const contactId = newId();
      contact.run(
        contactId,
        workspaceId,
        plan.waId,
        `Customer ${plan.w}.${plan.c}`,
        plan.first,
        plan.first,
      );
      plan.id = newId();
      conversation.run(
        plan.id,
        workspaceId,
        numberIds[plan.w],
        contactId,
        plan.last,
        plan.last,
        Math.floor(Math.random() * 3),
        plan.first,
        plan.assignee,
      );
    }
  })();
}

function insertMessages(
  store: Store,
  workspaces: BenchWorkspace[],
  plans: ConversationPlan[],
  at: Float64Array,
  order: Uint32Array,
): void {
  const message = store.db.prepare(
    `INSERT INTO messages (id, workspace_id, conversation_id, wa_message_id, direction,
       type, body, raw_json, status, sent_by, occurred_at, status_at, created_at)
     VALUES (?, ?, ?, ?, ?, 'text', ?, ?, ?, ?, ?, ?, ?)`,
  );
  store.db.transaction(() => {
    for (const packed of order) {
      const plan = plans[Math.floor(packed / MESSAGES_PER_CONVERSATION)]!;
      const m = packed % MESSAGES_PER_CONVERSATION;
      const workspace = workspaces[plan.w]!;
      const time = at[packed]!;
      const inbound = (MESSAGES_PER_CONVERSATION - 1 - m) % 2 === 0;
      const wamid = `wamid.BENCH${plan.w}X${plan.c}X${m}`;
      const body = inbound
        ? `Hello, this is about my order ${plan.c}-${m}: has it shipped yet?`
        : `Thanks for writing! Your order ${plan.c}-${m} left our warehouse today.`;
      const raw = JSON.stringify(
        inbound
          ? {
              from: plan.waId,
              id: wamid,
              timestamp: String(Math.floor(time / 1000)),
              text: { body },
              type: 'text',
            }
          : {
              messaging_product: 'whatsapp',
              to: plan.waId,
              type: 'text',
              text: { body },
            },
      );
      message.run(
        newId(),
        workspace.id,
        plan.id,
        wamid,
        inbound ? 'inbound' : 'outbound',
        body,
        raw,
        inbound ? 'received' : 'read',
        inbound ? null : (plan.assignee ?? workspace.agentIds[0]!),
        time,
        inbound ? null : time + 5_000,
        time,
      );
    }
  })();
}
