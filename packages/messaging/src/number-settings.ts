import { AppError, randomToken, type RequestOrigin } from '@flowgento/core';
import { sha256Hex } from '@flowgento/crypto';
import type { AuditActor, AuditLog } from '@flowgento/audit';
import type {
  NumberWrite,
  Store,
  WhatsAppNumber,
  WorkspaceScope,
} from '@flowgento/store';
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
  /**
   * Whoever holds it can subscribe a callback URL in Meta's name, so only
   * callers who may change the number see it; null for the others.
   */
  verifyToken: string | null;
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

  list(scope: WorkspaceScope, options: { verifyToken: boolean }): NumberView[] {
    return this.store
      .in(scope)
      .numbers.list()
      .map((number) => this.view(number, options.verifyToken));
  }

  save(acting: ActingMember, input: NumberSettingsInput, numberId?: string): NumberView {
    return this.saveAudited(acting, numberId, () => {
      const current = numberId
        ? this.store.in(acting.scope).numbers.get(numberId)
        : undefined;
      if (numberId && !current)
        throw new AppError('NOT_FOUND', 'No such WhatsApp number');
      // Says only "taken", never by which workspace.
      const holder = this.store.routing.numberIdHolding(input.phoneNumberId);
      if (holder && holder !== numberId) {
        throw new AppError('CONFLICT', 'This phone number id is already connected', {
          reason: 'phone_number_id_taken',
        });
      }
      const secret = (name: keyof typeof numberSecretAad, given: string | undefined) =>
        this.resolveSecret(current, name, given);
      const write = this.writeOf(
        input,
        {
          accessToken: secret('accessToken', input.accessToken),
          appSecret: secret('appSecret', input.appSecret),
          verifyToken: secret('verifyToken', input.verifyToken),
        },
        current?.simulated ?? false,
      );
      return { write, changed: changedFields(current, input).join(',') };
    });
  }

  /** Connects a number that lives in the built-in Cloud API simulator. */
  connectSimulated(acting: ActingMember): NumberView {
    const existing = this.store
      .in(acting.scope)
      .numbers.list()
      .find((n) => n.simulated);
    if (existing) return this.view(existing);
    const suffix = String(Date.now() % 1_000_000).padStart(6, '0');
    const fields = {
      phoneNumberId: `sim-${randomToken(6)}`,
      businessAccountId: `sim-waba-${randomToken(4)}`,
      displayPhoneNumber: `+1 555 01${suffix.slice(0, 2)} ${suffix.slice(2)}`,
    };
    const secrets = {
      accessToken: `SIM-${randomToken(24)}`,
      appSecret: randomToken(24),
      verifyToken: randomToken(12),
    };
    return this.saveAudited(acting, undefined, () => ({
      write: this.writeOf(fields, secrets, true),
      changed: 'simulated_number_connected',
    }));
  }

  /**
   * Saves a number and its audit entry in one transaction (`prepare` runs
   * inside it, so its checks see the rows the save will change), then tells
   * intake and the simulator.
   */
  private saveAudited(
    acting: ActingMember,
    numberId: string | undefined,
    prepare: () => { write: NumberWrite; changed: string },
  ): NumberView {
    const saved = this.store.transaction(() => {
      const { write, changed } = prepare();
      const number = this.store.in(acting.scope).numbers.save(write, numberId);
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'whatsapp.settings_changed',
        target: { type: 'whatsapp_number', id: number.id },
        origin: acting.origin,
        details: { changed },
      });
      return number;
    });
    this.onChange();
    return this.view(saved);
  }

  /** A row to store: each secret wrapped and bound to the row's id. */
  private writeOf(
    fields: Pick<
      NumberSettingsInput,
      'phoneNumberId' | 'businessAccountId' | 'displayPhoneNumber'
    >,
    secrets: Record<keyof typeof numberSecretAad, string>,
    simulated: boolean,
  ): NumberWrite {
    return {
      phoneNumberId: fields.phoneNumberId,
      businessAccountId: fields.businessAccountId,
      displayPhoneNumber: fields.displayPhoneNumber,
      wrapAccessToken: (id) =>
        this.secrets.wrap(secrets.accessToken, numberSecretAad.accessToken(id)),
      wrapAppSecret: (id) =>
        this.secrets.wrap(secrets.appSecret, numberSecretAad.appSecret(id)),
      wrapVerifyToken: (id) =>
        this.secrets.wrap(secrets.verifyToken, numberSecretAad.verifyToken(id)),
      verifyTokenHash: sha256Hex(secrets.verifyToken),
      simulated,
    };
  }

  /** True when `token` is the verify token of some number (Meta's GET handshake). */
  isVerifyToken(token: string): boolean {
    return this.store.routing.isVerifyTokenHash(sha256Hex(token));
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

  private view(number: WhatsAppNumber, withVerifyToken = true): NumberView {
    const token = this.unwrap(number, 'accessToken');
    return {
      id: number.id,
      phoneNumberId: number.phoneNumberId,
      businessAccountId: number.businessAccountId,
      displayPhoneNumber: number.displayPhoneNumber,
      simulated: number.simulated,
      accessTokenHint: `…${token.slice(-4)}`,
      verifyToken: withVerifyToken ? this.unwrap(number, 'verifyToken') : null,
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
