import { AppError, type Clock } from '@flowgento/core';
import type { ConversationSummary, Store, WorkspaceScope } from '@flowgento/store';
import type { LiveEvents } from './events.ts';
import type { AttemptOutcome, OutboundQueue, TemplatePayload } from './outbound-queue.ts';
import {
  consentRefusal,
  contactOptOutRefusal,
  templateRefusal,
  windowRefusal,
} from './outbound-rules.ts';
import { fillTemplate, readTemplateShape } from './template-parameters.ts';

export interface ReplyInput {
  scope: WorkspaceScope;
  userId: string;
  conversationId: string;
  body: string;
}

export interface TemplateSendInput {
  scope: WorkspaceScope;
  userId: string;
  conversationId: string;
  templateId: string;
  /** Variable key (`body.1`, `header.name`, `button.0.1`) → value. */
  parameters: Record<string, string>;
}

export interface SendResult {
  messageId: string;
  /** `queued`: Graph asked us to wait; the queue tries again on its own. */
  state: 'sent' | 'queued';
}

/**
 * Sends what an agent wrote: free-form text inside the 24-hour service
 * window, or an approved template at any time. Every rule is checked before
 * the message is queued and again when the queue sends it; a refusal costs
 * no network call and stores nothing.
 */
export class ReplyService {
  constructor(
    private readonly store: Store,
    private readonly queue: OutboundQueue,
    private readonly events: LiveEvents,
    private readonly clock: Clock,
  ) {}

  async sendText(input: ReplyInput): Promise<SendResult> {
    const conversation = this.conversation(input.scope, input.conversationId);
    const refusal =
      windowRefusal(conversation.lastInboundAt, this.clock.now()) ??
      contactOptOutRefusal(conversation.contact.optedOutAt);
    if (refusal) throw refusal;

    return this.queueAndSend(input, conversation, {
      type: 'text',
      body: input.body,
      rawJson: JSON.stringify({ type: 'text', text: { body: input.body } }),
      payloadJson: JSON.stringify({ body: input.body }),
    });
  }

  async sendTemplate(input: TemplateSendInput): Promise<SendResult> {
    const scoped = this.store.in(input.scope);
    const conversation = this.conversation(input.scope, input.conversationId);
    const number = scoped.numbers.get(conversation.numberId);
    const template = scoped.templates.get(input.templateId);
    // A template of another business account is not this conversation's to send.
    if (!template || template.businessAccountId !== number?.businessAccountId) {
      throw new AppError(
        'NOT_FOUND',
        'Template not found for this conversation’s number',
        {
          reason: 'template_unknown',
        },
      );
    }
    const shape = readTemplateShape(JSON.parse(template.componentsJson) as unknown[]);
    const refusal =
      templateRefusal(template, shape.unsupported) ??
      contactOptOutRefusal(conversation.contact.optedOutAt) ??
      consentRefusal(scoped, conversation.contact.id, template.category);
    if (refusal) throw refusal;
    const { components, text } = fillTemplate(shape, input.parameters);

    const payload: TemplatePayload = {
      templateId: template.id,
      name: template.name,
      language: template.language,
      category: template.category,
      components,
    };
    return this.queueAndSend(input, conversation, {
      type: 'template',
      body: text,
      rawJson: JSON.stringify({
        type: 'template',
        template: {
          name: template.name,
          language: { code: template.language },
          components,
        },
      }),
      payloadJson: JSON.stringify(payload),
    });
  }

  private conversation(scope: WorkspaceScope, id: string): ConversationSummary {
    const conversation = this.store.in(scope).conversations.get(id);
    if (!conversation) {
      throw new AppError('NOT_FOUND', 'Conversation not found', {
        reason: 'conversation_unknown',
      });
    }
    return conversation;
  }

  /**
   * Stores the pending message and its job in one transaction, then makes
   * the first attempt while the agent waits. A permanent failure is thrown
   * (the message stays, marked failed, with the reason); a transient one
   * leaves it queued.
   */
  private async queueAndSend(
    input: { scope: WorkspaceScope; userId: string },
    conversation: ConversationSummary,
    send: {
      type: 'text' | 'template';
      body: string;
      rawJson: string;
      payloadJson: string;
    },
  ): Promise<SendResult> {
    const scoped = this.store.in(input.scope);
    const { messageId, jobId } = this.store.transaction(() => {
      const id = scoped.messages.insertOutbound({
        conversationId: conversation.id,
        body: send.body,
        sentBy: input.userId,
        rawJson: send.rawJson,
        type: send.type,
      });
      scoped.conversations.touchOutbound(conversation.id, this.clock.now());
      const job = scoped.outbound.enqueue({
        messageId: id,
        kind: send.type,
        payloadJson: send.payloadJson,
      });
      return { messageId: id, jobId: job };
    });
    this.events.publish(input.scope.workspaceId, {
      type: 'message.created',
      conversationId: conversation.id,
      messageId,
    });

    const outcome: AttemptOutcome = await this.queue.attemptNow(
      input.scope.workspaceId,
      jobId,
    );
    if (outcome.state === 'failed') throw outcome.error;
    return { messageId, state: outcome.state === 'sent' ? 'sent' : 'queued' };
  }
}
