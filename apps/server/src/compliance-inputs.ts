import {
  DEFAULT_DISCLOSURE,
  privacyContactsOf,
  type ExportDisclosure,
  type PrivacyContacts,
  type Recipient,
  type RetentionRuleInput,
  type StorageRecipient,
} from '@flowgento/messaging';
import { plural } from '@flowgento/core';
import type { RetentionCategory, Store, WorkspaceScope } from '@flowgento/store';
import type { StorageRouting } from '@flowgento/storage';

/**
 * The storage providers that hold any tier of the workspace: the name the
 * operator gave (the routing's own name for the local disk), the kind, the
 * region and the endpoint host. The record of processing and a contact
 * export both read this list, so they name a provider alike.
 */
export function storageInUse(
  store: Store,
  storage: StorageRouting,
  scope: WorkspaceScope,
): StorageRecipient[] {
  const seen = new Map<string, StorageRecipient>();
  for (const tier of storage.effectiveRouting(scope)) {
    for (const provider of tier.providers) {
      if (seen.has(provider.id)) continue;
      const record =
        provider.kind === 's3' ? store.storageProviders.get(provider.id) : null;
      seen.set(provider.id, {
        name: provider.name,
        kind: provider.kind,
        role:
          provider.kind === 'local'
            ? "this appliance's own disk, holding encrypted files and backups"
            : 'object storage holding encrypted files or backups',
        region: record?.region || null,
        endpointHost: provider.endpointHost,
      });
    }
  }
  return [...seen.values()];
}

/** The storage providers as an export lists them (region and host as one place). */
export function storageRecipients(
  store: Store,
  storage: StorageRouting,
  scope: WorkspaceScope,
): Recipient[] {
  return storageInUse(store, storage, scope).map((p) => {
    const where = [p.region, p.endpointHost].filter(Boolean).join(', ');
    return {
      name: p.name,
      kind: 'storage_provider',
      role: p.role,
      location: where === '' ? null : where,
    };
  });
}

/** What each retention category covers, in the words a record or an export uses. */
const CATEGORY_LABELS: Record<RetentionCategory, { label: string; note?: string }> = {
  conversations: {
    label: 'Conversations and their messages',
    note: 'after the last message',
  },
  media: { label: 'Files sent in conversations' },
  inactive_contacts: {
    label: 'Contacts with no activity',
    note: 'told 48 hours before, kept if they write again',
  },
  audit_log: { label: 'Audit log (workspace rule)' },
  security_log: { label: 'Access log of personal data' },
};

/** The workspace's retention rules, as the record of processing lists them. */
export function retentionRuleInputs(
  store: Store,
  scope: WorkspaceScope,
): RetentionRuleInput[] {
  return store
    .in(scope)
    .retention.rules()
    .map((rule) => {
      const { label, note } = CATEGORY_LABELS[rule.category];
      return {
        category: label,
        keepDays: rule.days,
        id: rule.category,
        ...(note ? { note } : {}),
      };
    });
}

/**
 * The privacy contact, grievance officer, purposes and retention an export
 * or a refusal states: the people from the workspace's privacy settings
 * (`PrivacyService.contacts`), the retention from its rules. Without rules
 * the default lines stand: data is kept until erased.
 */
export function exportDisclosure(
  store: Store,
  scope: WorkspaceScope,
  contacts: (scope: WorkspaceScope) => PrivacyContacts = (s) =>
    privacyContactsOf(store, s),
): ExportDisclosure {
  const requests = store.in(scope).dataRequests;
  return {
    ...DEFAULT_DISCLOSURE,
    ...contacts(scope),
    retention: retentionLines(store.in(scope).retention.rules()),
    authorities: {
      GDPR: requests.authority('GDPR'),
      DPDP: requests.authority('DPDP') ?? DEFAULT_DISCLOSURE.authorities.DPDP,
    },
  };
}

/**
 * How long the person's data is kept, in the words of the live retention
 * rules (GDPR Art 15(1)(d)): each kind of their data, with its rule's days
 * and what they count from, or "until erased" where no rule is set.
 */
export function retentionLines(
  rules: readonly { category: RetentionCategory; days: number }[],
): string[] {
  const days = (category: RetentionCategory) =>
    rules.find((r) => r.category === category)?.days ?? null;
  const kept = (
    what: string,
    category: RetentionCategory,
    after: string,
    fallback: string,
  ) => {
    const n = days(category);
    return n === null
      ? `${what}: ${fallback}`
      : `${what}: deleted ${plural(n, 'day')} ${after}`;
  };
  const untilErased = 'kept until you ask us to erase them (no time limit is set)';
  const lines = [
    kept(
      'your conversations and their messages',
      'conversations',
      'after the last message in the conversation',
      untilErased,
    ),
    kept(
      'the files you sent',
      'media',
      'after they were sent',
      days('conversations') === null ? untilErased : 'deleted with their conversation',
    ),
    'notes by staff about you: deleted with your WhatsApp number and name (below)',
    kept(
      'your WhatsApp number and name',
      'inactive_contacts',
      'after your last message (we tell you 48 hours before; writing again keeps them)',
      'kept until you ask us to erase them, or until the conversations above are deleted',
    ),
  ];
  const access = days('security_log');
  if (access !== null) {
    lines.push(
      `the record of who at the business looked at your data: deleted after ${plural(access, 'day')}`,
    );
  }
  return lines;
}
