import {
  AccessLog,
  AuditLog,
  BreachRegister,
  refuseErasureDuringOpenBreach,
} from '@flowgento/audit';
import { AppError, isAppError, plural, systemClock, type Logger } from '@flowgento/core';
import { ContactErasureService } from '@flowgento/messaging';
import { operatorScope } from '@flowgento/access';
import {
  lockDataFolder,
  SearchIndex,
  type ContactVault,
  type Store,
} from '@flowgento/store';
import { openAppliance, type OpenedAppliance } from '../appliance.ts';
import { openContactVault, vaultBackup } from '../contact-vault.ts';
import type { Command, CommandGroup } from './commands.ts';
import { CLI_ACTOR, cliContext, requireText } from './context.ts';
import { say } from './output.ts';
import { offlineTiers } from './offline-tiers.ts';

/** The workspace named by id or name; refuses an unknown or ambiguous one. */
function workspaceOf(store: Store, named: string) {
  const found = store.workspaces.list().filter((w) => w.id === named || w.name === named);
  if (found.length !== 1) {
    throw new AppError(
      'NOT_FOUND',
      found.length === 0
        ? `No workspace is called ${named}`
        : `Several workspaces are called ${named}; give its id`,
    );
  }
  return found[0]!;
}

/**
 * The erasure service as the command line runs it (the appliance stopped):
 * media through the configured tiers, the log truncated on this connection,
 * the vault copied to the backup tier. Close the vault when done.
 */
export function openCliErasure(
  appliance: OpenedAppliance,
  dataDir: string,
  logger: Logger,
): { service: ContactErasureService; vault: ContactVault } {
  const vault = openContactVault(appliance, dataDir);
  // Messages and names are sealed with the contacts' keys: reads open them.
  appliance.store.contactKeys = vault;
  // An erasure takes the contact's words out of the search index too.
  SearchIndex.attach(appliance.store, vault.searchIndexFile());
  const { store } = appliance;
  const { routing, tiers } = offlineTiers(appliance, dataDir, logger);
  const service = new ContactErasureService(
    store,
    new AuditLog(store),
    vault,
    systemClock,
    { tiers, logger },
    () => {
      // Beside a running appliance its backup engine checkpoints (`besideRunning`).
      if (!appliance.besideRunning) store.db.pragma('wal_checkpoint(TRUNCATE)');
    },
    vaultBackup({
      vault,
      appliance,
      tier: () => ({ objects: tiers, providers: routing }),
      logger,
    }),
  );
  return { service, vault };
}

/**
 * Refuses, as the API does, to erase a contact whom a breach still to be
 * told to its people affects, unless `--acknowledge-open-breach` was given:
 * once erased, the person cannot be sent the breach's notice.
 */
function assertNoOpenBreach(
  appliance: OpenedAppliance,
  logger: Logger,
  workspaceId: string,
  number: string,
): void {
  const { store } = appliance;
  const scope = operatorScope(store, workspaceId);
  const contact = store.in(scope).contacts.byWaId(number);
  if (!contact) return; // the erasure itself says the number is unknown
  const audit = new AuditLog(store);
  const accessLog = new AccessLog(store, appliance.keyRing, audit, logger);
  const open = new BreachRegister(store, audit, accessLog).openAffecting(
    scope,
    contact.id,
  );
  refuseErasureDuringOpenBreach(open, 'give --acknowledge-open-breach to erase anyway');
}

/**
 * A legal hold or an open breach refused the erasure: written down as the page's refusal is
 * (`rule.refused`), so a DPO reading the trail sees the attempt and who
 * made it. Any other failure is only reported.
 */
function recordRuleRefusal(store: Store, workspaceId: string, error: unknown): void {
  if (!isAppError(error) || error.code !== 'RULE_REFUSED') return;
  const audit = new AuditLog(store);
  store.transaction(() =>
    audit.record({
      workspaceId,
      ...CLI_ACTOR,
      action: 'rule.refused',
      outcome: 'failure',
      target: { type: 'procedure', id: 'flowgento contacts erase' },
      details: { rule: error.reason ?? 'rule_refused' },
    }),
  );
}

const erase: Command = {
  summary: 'Erase a contact everywhere (a data-subject erasure request)',
  details: [
    'Deletes the contact with this WhatsApp number and everything about it: its',
    'messages, notes, consent rows, search entries, webhook payloads and its media',
    'objects in every provider that holds a copy. The erasure is written to the',
    'erasure ledger beside the database and re-applied after any restore. Run it',
    'while the appliance is stopped (the web page works while it runs). Audited',
    'as contact.erased, a refusal by a legal hold as rule.refused, both in the',
    'name of the account running the command; the number itself is never logged.',
    'A contact affected by a breach whose people are not yet told is refused',
    '(rule.refused, open_breach_affects_contact) unless --acknowledge-open-breach',
    'is given: once erased, they cannot be sent the notice.',
  ],
  options: {
    workspace: { type: 'string', help: 'the workspace, by id or name' },
    number: { type: 'string', help: "the contact's WhatsApp number (wa_id), digits" },
    reason: {
      type: 'string',
      help: 'why, e.g. the request reference; names, e-mails and numbers are masked',
    },
    'acknowledge-open-breach': {
      type: 'boolean',
      help: 'erase even though an open breach affects the contact',
    },
  },
  async run(values) {
    const { config, logger } = cliContext(values);
    const number = requireText(values, 'number').replace(/[\s+-]/g, '');
    const reason = requireText(values, 'reason');
    const folderLock = lockDataFolder(config.dataDir, 'contacts erase');
    try {
      const appliance = await openAppliance(config, logger, undefined, {
        mustExist: true,
        folderLock,
      });
      const { service, vault } = openCliErasure(appliance, config.dataDir, logger);
      const { store } = appliance;
      try {
        const workspace = workspaceOf(store, requireText(values, 'workspace'));
        const outcome = await Promise.resolve()
          .then(() => {
            if (values['acknowledge-open-breach'] !== true) {
              assertNoOpenBreach(appliance, logger, workspace.id, number);
            }
            return service.eraseNumber(
              { workspaceId: workspace.id, ...CLI_ACTOR },
              number,
              reason,
            );
          })
          .catch((error: unknown) => {
            recordRuleRefusal(store, workspace.id, error);
            throw error;
          });
        say(
          `Erased the contact: ${plural(outcome.messages, 'message')} in ` +
            `${plural(outcome.conversations, 'conversation')}, ` +
            `${plural(outcome.mediaObjects, 'media file')}.`,
        );
        return 0;
      } finally {
        vault.close();
        store.close();
      }
    } finally {
      folderLock.release();
    }
  },
};

export const contacts: CommandGroup = {
  summary: "Data-subject duties about a workspace's contacts",
  subcommands: { erase },
};
