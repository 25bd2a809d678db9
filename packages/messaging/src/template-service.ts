import { AppError, type Logger } from '@flowgento/core';
import type { AuditLog } from '@flowgento/audit';
import type { Store, WhatsAppNumber, WorkspaceScope } from '@flowgento/store';
import type { GraphTemplatesClient } from '@flowgento/whatsapp';
import type { MemberActing } from './conversation-service.ts';
import type { LiveEvents } from './events.ts';
import { consentRefusal, templateRefusal } from './outbound-rules.ts';
import { numberSecretAad, type SecretBox } from './secret-box.ts';
import { readTemplateShape, type TemplateVariable } from './template-parameters.ts';

/** A template as the reply box offers it for one conversation. */
export interface TemplateOption {
  id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  statusReason: string | null;
  /** Meta's latest event on it (FLAGGED, PAUSED, …), which may differ from the status. */
  lastEvent: string | null;
  variables: TemplateVariable[];
  preview: string;
  /** Why it cannot be sent to this contact now, or null when it can. */
  refusal: { reason: string; message: string } | null;
}

/**
 * Message templates: synced from Graph (`GET /<WABA_ID>/message_templates`)
 * for every business account of the workspace's numbers, kept current by
 * the status webhook between syncs, and offered per conversation with what
 * would stop each one from going out.
 */
export class TemplateService {
  constructor(
    private readonly store: Store,
    private readonly templatesFor: (number: WhatsAppNumber) => GraphTemplatesClient,
    private readonly secrets: SecretBox,
    private readonly audit: AuditLog,
    private readonly events: LiveEvents,
    private readonly logger: Logger,
  ) {}

  /** Fetches every account's templates, then stores them all in one audited commit. */
  async sync(acting: MemberActing): Promise<{ accounts: number; templates: number }> {
    const numbers = this.store.in(acting.scope).numbers.list();
    if (numbers.length === 0) {
      throw new AppError('PRECONDITION_FAILED', 'Connect a WhatsApp number first', {
        reason: 'no_number',
      });
    }
    // One call per business account, with the token of its first number.
    const accounts = new Map<string, WhatsAppNumber>();
    for (const n of numbers)
      if (!accounts.has(n.businessAccountId)) accounts.set(n.businessAccountId, n);

    const fetched: {
      account: string;
      list: Awaited<ReturnType<GraphTemplatesClient['list']>>;
    }[] = [];
    for (const [account, number] of accounts) {
      const token = this.secrets.unwrapText(
        number.accessTokenWrapped,
        numberSecretAad.accessToken(number.id),
      );
      fetched.push({
        account,
        list: await this.templatesFor(number).list(account, token),
      });
    }

    const total = fetched.reduce((sum, f) => sum + f.list.length, 0);
    this.store.transaction(() => {
      const scoped = this.store.in(acting.scope);
      for (const { account, list } of fetched) {
        scoped.templates.replaceForAccount(
          account,
          list.map((t) => ({
            businessAccountId: account,
            waTemplateId: t.id,
            name: t.name,
            language: t.language,
            category: t.category,
            status: t.status,
            statusReason: t.rejectedReason,
            componentsJson: JSON.stringify(t.components),
          })),
        );
      }
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'templates.synced',
        origin: acting.origin,
        details: { accounts: fetched.length, templates: total },
      });
    });
    this.logger.info({ accounts: fetched.length, templates: total }, 'templates synced');
    this.events.publish(acting.scope.workspaceId, { type: 'templates.changed' });
    return { accounts: fetched.length, templates: total };
  }

  /** The templates of the conversation's number, each with its variables and refusal. */
  forConversation(scope: WorkspaceScope, conversationId: string): TemplateOption[] {
    const scoped = this.store.in(scope);
    const conversation = scoped.conversations.get(conversationId);
    if (!conversation) throw new AppError('NOT_FOUND', 'Conversation not found');
    const number = scoped.numbers.get(conversation.numberId);
    return scoped.templates
      .list()
      .filter((t) => t.businessAccountId === number?.businessAccountId)
      .map((t) => {
        const shape = readTemplateShape(JSON.parse(t.componentsJson) as unknown[]);
        const refusal =
          templateRefusal(t, shape.unsupported) ??
          consentRefusal(scoped, conversation.contact.id, t.category);
        return {
          id: t.id,
          name: t.name,
          language: t.language,
          category: t.category,
          status: t.status,
          statusReason: t.statusReason,
          lastEvent: t.lastEvent,
          variables: shape.variables,
          preview: shape.preview,
          refusal: refusal && {
            reason: refusal.reason ?? 'refused',
            message: refusal.message,
          },
        };
      });
  }
}
