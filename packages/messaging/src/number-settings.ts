import { AppError, randomToken, type RequestOrigin } from '@flowgento/core';
import { sha256Hex } from '@flowgento/crypto';
import type { AuditActor, AuditLog } from '@flowgento/audit';
import type { Store, WhatsAppNumber, WorkspaceScope } from '@flowgento/store';
import { numberSecretAad, type SecretBox } from './secret-box.ts';

export interface NumberSettingsInput {
  phoneNumberId: string;
  businessAccountId: string;
  displayPhoneNumber: string;
  /** Omitted on update: the stored secret is kept. */
  accessToken?: string;
  appSecret?: string;
  verifyToken?: string;
}

/** What the UI may see of a number: never a secret, only its last characters. */
export interface NumberView {
  id: string;
  phoneNumberId: string;
  businessAccountId: string;
  displayPhoneNumber: string;
  simulated: boolean;
  accessTokenHint: string;
  verifyToken: string;
  updatedAt: number;
}

export interface ActingMember {
  scope: WorkspaceScope;
  actor: AuditActor;
  origin: RequestOrigin;
}

/** The WhatsApp numbers of a workspace; secrets are wrapped before they are stored. */
export class NumberSettingsService {
  constructor(
    private readonly store: Store,
    private readonly secrets: SecretBox,
    private readonly audit: AuditLog,
    private readonly onChange: () => void,
  ) {}

  list(scope: WorkspaceScope): NumberView[] {
    return this.store
      .in(scope)
      .numbers.list()
      .map((number) => this.view(number));
  }

  save(acting: ActingMember, input: NumberSettingsInput, numberId?: string): NumberView {
    const saved = this.store.transaction(() => {
      const numbers = this.store.in(acting.scope).numbers;
      const current = numberId ? numbers.get(numberId) : undefined;
      if (numberId && !current)
        throw new AppError('NOT_FOUND', 'No such WhatsApp number');
      const owner = this.store.routing.numberByPhoneNumberId(input.phoneNumberId);
      if (owner && owner.id !== numberId) {
        throw new AppError('CONFLICT', 'This phone number id is already connected', {
          reason: 'phone_number_id_taken',
        });
      }
      const secret = (name: keyof typeof numberSecretAad, given: string | undefined) =>
        this.resolveSecret(current, name, given);
      const accessToken = secret('accessToken', input.accessToken);
      const appSecret = secret('appSecret', input.appSecret);
      const verifyToken = secret('verifyToken', input.verifyToken);

      const number = numbers.save(
        {
          phoneNumberId: input.phoneNumberId,
          businessAccountId: input.businessAccountId,
          displayPhoneNumber: input.displayPhoneNumber,
          wrapAccessToken: (id) =>
            this.secrets.wrap(accessToken, numberSecretAad.accessToken(id)),
          wrapAppSecret: (id) =>
            this.secrets.wrap(appSecret, numberSecretAad.appSecret(id)),
          wrapVerifyToken: (id) =>
            this.secrets.wrap(verifyToken, numberSecretAad.verifyToken(id)),
          verifyTokenHash: sha256Hex(verifyToken),
          simulated: current?.simulated ?? false,
        },
        numberId,
      );
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'whatsapp.settings_changed',
        target: { type: 'whatsapp_number', id: number.id },
        origin: acting.origin,
        details: { changed: changedFields(current, input).join(',') },
      });
      return number;
    });
    this.onChange();
    return this.view(saved);
  }

  /** Connects a number that lives in the built-in Cloud API simulator. */
  connectSimulated(acting: ActingMember): NumberView {
    const existing = this.store
      .in(acting.scope)
      .numbers.list()
      .find((n) => n.simulated);
    if (existing) return this.view(existing);
    const suffix = String(Date.now() % 1_000_000).padStart(6, '0');
    const verifyToken = randomToken(12);
    const saved = this.store.transaction(() => {
      const number = this.store.in(acting.scope).numbers.save({
        phoneNumberId: `sim-${randomToken(6)}`,
        businessAccountId: `sim-waba-${randomToken(4)}`,
        displayPhoneNumber: `+1 555 01${suffix.slice(0, 2)} ${suffix.slice(2)}`,
        wrapAccessToken: (id) =>
          this.secrets.wrap(`SIM-${randomToken(24)}`, numberSecretAad.accessToken(id)),
        wrapAppSecret: (id) =>
          this.secrets.wrap(randomToken(24), numberSecretAad.appSecret(id)),
        wrapVerifyToken: (id) =>
          this.secrets.wrap(verifyToken, numberSecretAad.verifyToken(id)),
        verifyTokenHash: sha256Hex(verifyToken),
        simulated: true,
      });
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'whatsapp.settings_changed',
        target: { type: 'whatsapp_number', id: number.id },
        origin: acting.origin,
        details: { changed: 'simulated_number_connected' },
      });
      return number;
    });
    this.onChange();
    return this.view(saved);
  }

  /** True when `token` is the verify token of some number (Meta's GET handshake). */
  isVerifyToken(token: string): boolean {
    return this.store.routing.numberByVerifyTokenHash(sha256Hex(token)) !== undefined;
  }

  unwrap(number: WhatsAppNumber, name: keyof typeof numberSecretAad): string {
    const blob = {
      accessToken: number.accessTokenWrapped,
      appSecret: number.appSecretWrapped,
      verifyToken: number.verifyTokenWrapped,
    }[name];
    return this.secrets.unwrapText(blob, numberSecretAad[name](number.id));
  }

  private resolveSecret(
    current: WhatsAppNumber | undefined,
    name: keyof typeof numberSecretAad,
    given: string | undefined,
  ): string {
    if (given) return given;
    if (current) return this.unwrap(current, name);
    throw new AppError('INVALID_INPUT', `${name} is required for a new number`, {
      details: { field: name },
    });
  }

  private view(number: WhatsAppNumber): NumberView {
    const token = this.unwrap(number, 'accessToken');
    return {
      id: number.id,
      phoneNumberId: number.phoneNumberId,
      businessAccountId: number.businessAccountId,
      displayPhoneNumber: number.displayPhoneNumber,
      simulated: number.simulated,
      accessTokenHint: `…${token.slice(-4)}`,
      verifyToken: this.unwrap(number, 'verifyToken'),
      updatedAt: number.updatedAt,
    };
  }
}

function changedFields(
  current: WhatsAppNumber | undefined,
  input: NumberSettingsInput,
): string[] {
  const changed: string[] = [];
  if (!current || current.phoneNumberId !== input.phoneNumberId)
    changed.push('phoneNumberId');
  if (!current || current.businessAccountId !== input.businessAccountId) {
    changed.push('businessAccountId');
  }
  if (!current || current.displayPhoneNumber !== input.displayPhoneNumber) {
    changed.push('displayPhoneNumber');
  }
  if (input.accessToken) changed.push('accessToken');
  if (input.appSecret) changed.push('appSecret');
  if (input.verifyToken) changed.push('verifyToken');
  return changed;
}
