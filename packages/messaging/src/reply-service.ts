import { AppError, isAppError, type Clock, type Logger } from '@flowgento/core';
import type { Store, WhatsAppNumber, WorkspaceScope } from '@flowgento/store';
import type { GraphClient } from '@flowgento/whatsapp';
import type { LiveEvents } from './events.ts';
import { numberSecretAad, type SecretBox } from './secret-box.ts';
import { serviceWindowOpen } from './service-window.ts';

export interface ReplyInput {
  scope: WorkspaceScope;
  userId: string;
  conversationId: string;
  body: string;
}

/**
 * Sends an agent's free-form reply. Every rule is checked before any network
 * call: the conversation must be in the caller's workspace, inside the
 * 24-hour service window, and the contact must not have opted out.
 */
export class ReplyService {
  constructor(
    private readonly store: Store,
    /** Simulated numbers talk to the built-in simulator, real ones to Meta. */
    private readonly graphFor: (number: WhatsAppNumber) => GraphClient,
    private readonly secrets: SecretBox,
    private readonly events: LiveEvents,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async sendText(input: ReplyInput): Promise<{ messageId: string }> {
    const scoped = this.store.in(input.scope);
    const conversation = scoped.conversations.get(input.conversationId);
    if (!conversation) {
      throw new AppError('NOT_FOUND', 'Conversation not found', {
        reason: 'conversation_unknown',
      });
    }
    if (!serviceWindowOpen(conversation.lastInboundAt, this.clock.now())) {
      throw new AppError(
        'PRECONDITION_FAILED',
        'The 24-hour service window is closed: the customer last wrote more than 24 hours ' +
          'ago, so only an approved template can be sent now.',
        { reason: 'service_window_closed' },
      );
    }
    if (conversation.contact.optedOutAt !== null) {
      throw new AppError(
        'PRECONDITION_FAILED',
        'This contact has opted out of messages',
        {
          reason: 'contact_opted_out',
        },
      );
    }
    const number = scoped.numbers.get(conversation.numberId);
    if (!number)
      throw new AppError('NOT_FOUND', 'The conversation has no WhatsApp number');
    const accessToken = this.secrets.unwrapText(
      number.accessTokenWrapped,
      numberSecretAad.accessToken(number.id),
    );

    const messageId = this.store.transaction(() => {
      const id = scoped.messages.insertOutbound({
        conversationId: conversation.id,
        body: input.body,
        sentBy: input.userId,
        rawJson: JSON.stringify({ type: 'text', text: { body: input.body } }),
      });
      scoped.conversations.touchOutbound(conversation.id, this.clock.now());
      return id;
    });
    this.publish(input.scope, conversation.id, messageId, 'message.created');

    try {
      const { waMessageId } = await this.graphFor(number).sendText({
        phoneNumberId: number.phoneNumberId,
        accessToken,
        to: conversation.contact.waId,
        body: input.body,
      });
      this.store.transaction(() => scoped.messages.markAccepted(messageId, waMessageId));
    } catch (error) {
      const code = isAppError(error) ? Number(error.details?.['metaCode'] ?? NaN) : NaN;
      const title = isAppError(error) ? error.message : 'The message could not be sent';
      this.store.transaction(() =>
        scoped.messages.markFailed(messageId, Number.isFinite(code) ? code : null, title),
      );
      this.publish(input.scope, conversation.id, messageId, 'message.status');
      this.logger.warn({ err: error, reason: 'send_failed' }, 'reply could not be sent');
      throw isAppError(error)
        ? error
        : new AppError('UPSTREAM_FAILED', 'The message could not be sent', {
            cause: error,
          });
    }
    this.publish(input.scope, conversation.id, messageId, 'message.status');
    return { messageId };
  }

  private publish(
    scope: WorkspaceScope,
    conversationId: string,
    messageId: string,
    type: 'message.created' | 'message.status',
  ): void {
    if (type === 'message.created') {
      this.events.publish(scope.workspaceId, { type, conversationId, messageId });
      return;
    }
    const message = this.store.in(scope).messages.get(messageId);
    if (message) {
      this.events.publish(scope.workspaceId, {
        type,
        conversationId,
        messageId,
        status: message.status,
      });
    }
  }
}
