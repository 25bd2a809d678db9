import { Readable, type Writable } from 'node:stream';
import { AppError, type Clock } from '@flowgento/core';
import type { AccessLog, AuditLog } from '@flowgento/audit';
import type { MediaRecord, Message, Store } from '@flowgento/store';
import type { MediaService } from '../media-service.ts';
import { accessActorOf, type ComplianceActing } from './acting.ts';
import { contactJsonParts, mediaFileName, type ExportedNote } from './export-json.ts';
import { exportedConsent, optedOutAtOf } from './export-consent.ts';
import {
  META_RECIPIENT,
  summaryHtml,
  summaryLines,
  summaryText,
  type ExportDisclosure,
  type HeldCounts,
  type Recipient,
} from './export-summary.ts';
import { noMasks, NoteRedactor } from './note-redaction.ts';
import { ZipWriter } from './zip-writer.ts';

const PAGE = 500;

/** How far an export has got: messages written to contact.json, then files. */
export interface ExportProgress {
  phase: 'messages' | 'media';
  done: number;
  total: number;
}

export interface ContactExportOptions {
  requestId: string | null;
  /** The storage providers of the workspace's tiers (Meta is added here). */
  storageRecipients: readonly Recipient[];
  disclosure: ExportDisclosure;
  onProgress?: (progress: ExportProgress) => void;
}

/** An export that was audited and may now stream. */
export interface ContactExportRun {
  fileName: string;
  /** Writes the zip to `out`, a page at a time; resolves with what it held. */
  streamTo(out: Writable): Promise<HeldCounts>;
}

/**
 * One contact's data as a zip: contact.json (docs/schemas/
 * contact-export.schema.json), their files decrypted under media/, and a
 * plain-language summary. Messages are read a page at a time and files
 * streamed through, so memory stays flat however much the contact holds.
 */
export class ContactExporter {
  constructor(
    private readonly store: Store,
    private readonly media: MediaService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    /** Notes each export in the access log of personal data. */
    private readonly accessLog: Pick<AccessLog, 'recordNow'>,
  ) {}

  /**
   * Audits the export before the first byte: when the entry cannot be
   * written, nothing is exported. Another workspace's contact is not found.
   */
  begin(
    acting: ComplianceActing,
    contactId: string,
    options: ContactExportOptions,
  ): ContactExportRun {
    this.store.transaction(() => {
      if (!this.store.in(acting.scope).contacts.get(contactId)) {
        throw new AppError('NOT_FOUND', 'Contact not found', {
          reason: 'contact_not_found',
        });
      }
      // Written with the audit entry: an export the log misses never starts.
      this.accessLog.recordNow(acting.scope, {
        actor: accessActorOf(acting.actor),
        action: 'export',
        via: options.requestId ? 'requests.export' : 'contacts.export',
        contactIds: [contactId],
      });
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'contact.exported',
        target: { type: 'contact', id: contactId },
        origin: acting.origin,
        details: { requestId: options.requestId },
      });
    });
    const stamp = new Date(this.clock.now()).toISOString().slice(0, 10);
    return {
      fileName: `contact-export-${stamp}.zip`,
      streamTo: (out) => this.write(acting, contactId, options, out),
    };
  }

  private async write(
    acting: ComplianceActing,
    contactId: string,
    options: ContactExportOptions,
    out: Writable,
  ): Promise<HeldCounts> {
    const scoped = this.store.in(acting.scope);
    const contact = scoped.contacts.get(contactId);
    if (!contact) {
      throw new AppError('NOT_FOUND', 'Contact not found', {
        reason: 'contact_not_found',
      });
    }
    const exportedAt = new Date(this.clock.now()).toISOString();
    const conversations = scoped.conversations.allForContact(contactId);
    const total = conversations.reduce(
      (sum, c) => sum + scoped.messages.countForConversation(c.id),
      0,
    );
    const redactor = new NoteRedactor({
      subject: contact,
      others: scoped.contacts.identifiers().filter((other) => other.id !== contactId),
      members: scoped.members.list().map((m) => m.displayName),
    });
    const masks = noMasks();
    const notes: ExportedNote[] = scoped.notes
      .listForContact(contactId, 10_000)
      .map((note) => {
        const { text, redacted, masked } = redactor.redact(
          note.body,
          note.aboutOther,
          note.createdAt,
        );
        for (const kind of Object.keys(masks) as (keyof typeof masks)[]) {
          masks[kind] += masked[kind];
        }
        return {
          id: note.id,
          writtenAt: new Date(note.createdAt).toISOString(),
          text,
          redacted,
        };
      });
    const consentRecords = scoped.consentRegister.records(contactId);
    const consent = exportedConsent(
      consentRecords,
      scoped.consentRegister.history(contactId),
    );
    const recipients = [META_RECIPIENT, ...options.storageRecipients];
    const counts: HeldCounts = {
      conversations: conversations.length,
      messages: 0,
      files: 0,
      notes: notes.length,
      notesWithheld: notes.filter((n) => n.text === null).length,
      notesMasked: notes.filter((n) => n.redacted && n.text !== null).length,
      masks,
    };

    const pages = (conversationId: string) => this.pagesOf(acting, conversationId);
    const json = contactJsonParts({
      exportedAt,
      requestId: options.requestId,
      workspaceName: this.store.workspaces.get(acting.scope.workspaceId)?.name ?? '',
      contact,
      optedOutAt: optedOutAtOf(contact.optedOutAt, consentRecords),
      consent,
      seen: scoped.contacts.seen(contactId),
      conversations,
      pages,
      notes,
      recipients,
      onMessages: (n) => {
        counts.messages += n;
        options.onProgress?.({ phase: 'messages', done: counts.messages, total });
      },
    });

    const zip = new ZipWriter(out);
    const now = this.clock.now();
    await zip.add('contact.json', Readable.from(json), now);
    for (const conversation of conversations) {
      for (const page of pages(conversation.id)) {
        for (const record of page.media) {
          if (record.state !== 'stored') continue;
          const opened = await this.media.open(acting.scope, record.id);
          await zip.add(mediaFileName(record), opened.body, now);
          counts.files += 1;
          options.onProgress?.({
            phase: 'media',
            done: counts.files,
            total: counts.files,
          });
        }
      }
    }
    const sections = summaryLines({
      workspaceName: this.store.workspaces.get(acting.scope.workspaceId)?.name ?? '',
      exportedAt,
      counts,
      consent,
      recipients,
      disclosure: options.disclosure,
    });
    await zip.add('summary.txt', summaryText(sections), now);
    await zip.add('summary.html', summaryHtml(sections), now);
    await zip.finish();
    out.end();
    return counts;
  }

  /** A conversation's messages with their files, a page at a time. */
  private *pagesOf(
    acting: ComplianceActing,
    conversationId: string,
  ): Generator<{ messages: Message[]; media: MediaRecord[] }> {
    const scoped = this.store.in(acting.scope);
    let after: { occurredAt: number; id: string } | null = null;
    for (;;) {
      const messages = scoped.messages.pageForConversation(conversationId, after, PAGE);
      if (messages.length === 0) return;
      yield { messages, media: scoped.media.listForMessages(messages.map((m) => m.id)) };
      const last = messages.at(-1)!;
      after = { occurredAt: last.occurredAt, id: last.id };
    }
  }
}
