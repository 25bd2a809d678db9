export const ROLES = ['OWNER', 'ADMIN', 'AGENT'] as const;
export type Role = (typeof ROLES)[number];

export interface Workspace {
  id: string;
  name: string;
  createdAt: number;
}

export interface User {
  id: string;
  email: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
}

export interface Member {
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  joinedAt: number;
}

export interface Session {
  idHash: string;
  publicId: string;
  userId: string;
  workspaceId: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  ip: string | null;
  userAgent: string | null;
}

/** Failed sign-ins counted under one key (an account hash or an address). */
export interface LoginThrottleState {
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

export interface Invite {
  id: string;
  workspaceId: string;
  role: Role;
  email: string | null;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/** Time-boxed access for a support person who is not a member; secrets stay hashed. */
export interface SupportGrant {
  id: string;
  workspaceId: string;
  name: string;
  email: string | null;
  reason: string | null;
  /** The OWNER who granted it, and their email at the time. */
  grantedBy: string;
  grantedByEmail: string;
  createdAt: number;
  expiresAt: number;
  credentialExpiresAt: number;
  redeemedAt: number | null;
  endedAt: number | null;
  endReason: 'revoked' | 'expired' | 'signed_out' | null;
}

/** A WhatsApp number as stored: secrets stay wrapped until a service needs one. */
export interface WhatsAppNumber {
  id: string;
  workspaceId: string;
  phoneNumberId: string;
  businessAccountId: string;
  displayPhoneNumber: string;
  accessTokenWrapped: Buffer;
  appSecretWrapped: Buffer;
  verifyTokenWrapped: Buffer;
  verifyTokenHash: string;
  simulated: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Contact {
  id: string;
  waId: string;
  profileName: string | null;
  optedOutAt: number | null;
  optOutSource: string | null;
  /**
   * When the profile name was corrected at the person's request (migration
   * 065); WhatsApp's profile name no longer replaces it. Null: WhatsApp's.
   */
  profileNameCorrectedAt?: number | null;
}

export const CONVERSATION_STATUSES = ['open', 'pending', 'resolved'] as const;
/** Where a conversation stands on the desk; a new inbound message reopens a resolved one. */
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export interface ConversationSummary {
  id: string;
  numberId: string;
  /** The business number the customer wrote to, as the agent knows it. */
  number: { id: string; displayPhoneNumber: string };
  status: ConversationStatus;
  contact: Contact;
  lastMessageAt: number;
  lastInboundAt: number | null;
  unreadCount: number;
  lastMessagePreview: string | null;
  /** The member who answers it; null when nobody is assigned. */
  assignee: { userId: string; displayName: string } | null;
}

export type MessageDirection = 'inbound' | 'outbound';
export type MessageStatus =
  'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface Message {
  id: string;
  conversationId: string;
  waMessageId: string | null;
  direction: MessageDirection;
  type: string;
  body: string | null;
  status: MessageStatus;
  errorCode: number | null;
  errorTitle: string | null;
  sentBy: string | null;
  occurredAt: number;
  statusAt: number | null;
  /** The message this one answers or reacts to, by WhatsApp id. */
  replyToWaMessageId: string | null;
  /** Inbound only: what the agent is shown, per kind (JSON of `MessageContent`). */
  contentJson: string | null;
}
