import { describe, expect, it } from 'vitest';
import { DAY_MS } from '@flowgento/core';
import {
  addMonths,
  DEFAULT_DISCLOSURE,
  extensionRefusal,
  mediaFileName,
  NoteRedactor,
  noMasks,
  refusalNotice,
  summaryLines,
  type ExportDisclosure,
} from '../src/index.ts';

describe('the note redactor', () => {
  const redactor = new NoteRedactor({
    subject: { waId: '5511987654321', profileName: 'Ana Souza' },
    others: [
      { waId: '5511912345678', profileName: 'Bruno Lima' },
      { waId: '919812345678', profileName: 'Al' },
    ],
    members: ['Priya Sharma', 'Ana Lopes', 'Jo'],
  });
  const text = (note: string) => redactor.redact(note).text;

  it('withholds a note naming another contact by number, however it is typed', () => {
    expect(redactor.redact('call +55 (11) 91234-5678 too')).toMatchObject({
      text: null,
      redacted: true,
      withheld: true,
    });
    expect(text('her brother 98123 45678')).toBeNull();
    expect(redactor.redact('order 4471 shipped')).toMatchObject({
      text: 'order 4471 shipped',
      redacted: false,
      withheld: false,
    });
  });

  it('withholds a note its author marked as about someone else, whatever it says', () => {
    expect(redactor.redact('prefers mornings', true)).toMatchObject({
      text: null,
      redacted: true,
      withheld: true,
    });
  });

  it('withholds a note naming another contact by profile name, as a whole word', () => {
    expect(text('same house as BRUNO LIMA')).toBeNull();
    // Not the contact, but still two capitalised words: a name, masked.
    expect(text('Bruno Limatti called')).toBe('[name withheld] called');
    // Names shorter than three characters are too common to mean a person.
    expect(text('Al said hello')).toBe('Al said hello');
  });

  it("masks numbers and e-mail addresses of people who are not contacts, keeping the subject's own", () => {
    expect(redactor.redact('her neighbour on +44 7700 900123 complained')).toMatchObject({
      text: 'her neighbour on [phone number withheld] complained',
      redacted: true,
      withheld: false,
    });
    expect(text('call back on 011 98765 4321 or +55 11 98765-4321')).toBe(
      'call back on 011 98765 4321 or +55 11 98765-4321',
    );
    expect(text('cc her lawyer j.doe@law-firm.co.uk')).toBe(
      'cc her lawyer [e-mail address withheld]',
    );
    expect(text('delivered 2026-12-05, order 4471, paid 12.50')).toBe(
      'delivered 2026-12-05, order 4471, paid 12.50',
    );
  });

  it("masks staff names, whole or in part, but not the subject's own names", () => {
    expect(text('Priya Sharma promised a refund; priya will call')).toBe(
      '[staff member] promised a refund; [staff member] will call',
    );
    // The agent Ana Lopes shares a first name with the customer Ana Souza.
    expect(text('Ana asked Lopes for a refund')).toBe(
      'Ana asked [staff member] for a refund',
    );
    expect(text('Jo said hi')).toBe('Jo said hi');
  });
});

describe('the note redactor, on details of people who are not contacts', () => {
  const redactor = new NoteRedactor({
    subject: { waId: '5511987654321', profileName: 'Ana Souza' },
    others: [{ waId: '5511912345678', profileName: 'Bruno Lima' }],
    members: ['Priya Sharma'],
  });
  const writtenAt = Date.UTC(2026, 11, 5);
  const text = (note: string) => redactor.redact(note, false, writtenAt).text;

  it("masks the reviewer's notes: a husband's and a sister's name, a birth date, an address, an obfuscated e-mail", () => {
    expect(text('Her husband Marco Rossi (…)')).toBe('Her husband [name withheld] (…)');
    const sister = redactor.redact(
      'Sister Julia Souza, born 1980-02-03, lives at Rua das Flores 12; jsouza[at]mail.example',
      false,
      writtenAt,
    );
    expect(sister.text).toBe(
      'Sister [name withheld], born [date withheld], lives at [address withheld]; ' +
        '[e-mail address withheld]',
    );
    expect(sister.masked).toEqual({
      name: 1,
      date: 1,
      address: 1,
      email: 1,
      phone: 0,
      staff: 0,
    });
  });

  it('masks e-mail addresses however they are disguised', () => {
    for (const address of [
      'jsouza[at]mail.example',
      'jsouza (at) mail [dot] example',
      'jsouza at mail dot example',
      'jsouza@mail[dot]example',
    ]) {
      expect(text(`write to ${address} today`)).toBe(
        'write to [e-mail address withheld] today',
      );
    }
    expect(text('arrived at 10.30, meet at home. Then ok')).toBe(
      'arrived at 10.30, meet at home. Then ok',
    );
  });

  it('masks street addresses in several languages, keeping plain numbers', () => {
    for (const address of [
      'Rua das Flores 12',
      '221B Baker Street',
      '14 Station Rd',
      'Avenida Paulista, 1000',
      'Av. Brasil 55',
      'Calle Mayor 5',
      'Hauptstrasse 5',
      '12 MG Marg',
    ]) {
      expect(text(`lives at ${address}, near`)).toBe('lives at [address withheld], near');
    }
    expect(text('order 4471 shipped in 2 boxes')).toBe('order 4471 shipped in 2 boxes');
  });

  it("masks birth dates and dates far from the note's own, keeping dates near it", () => {
    expect(text('DOB: 03/02/1980')).toBe('DOB: [date withheld]');
    expect(text('nascida em 3 de março de 1975')).toBe('nascida em [date withheld]');
    expect(text('born 1980 in Goa')).toBe('born [date withheld] in Goa');
    expect(text('wedding on 1999-06-12')).toBe('wedding on [date withheld]');
    expect(text('delivered 2026-12-05, due 10/01/2027')).toBe(
      'delivered 2026-12-05, due 10/01/2027',
    );
  });

  it("masks names after relationship words in English, Portuguese, Spanish and Hindi, never the subject's own", () => {
    expect(text('her sister Julia called')).toBe('her sister [name withheld] called');
    expect(text('o marido, Carlos, ligou')).toBe('o marido, [name withheld], ligou');
    expect(text('su hermana Lucía vino')).toBe('su hermana [name withheld] vino');
    expect(text('unki behen Sunita aayi')).toBe('unki behen [name withheld] aayi');
    expect(text('Ana Souza called twice; friend Ana too')).toBe(
      'Ana Souza called twice; friend Ana too',
    );
  });
});

describe('an exported file name', () => {
  it('ends in the extension of its type, once', () => {
    const file = (filename: string | null, mimeType: string | null) =>
      mediaFileName({ id: 'm1', kind: 'image', filename, mimeType });
    expect(file(null, 'image/jpeg')).toBe('media/m1-image.jpg');
    expect(file(null, 'audio/ogg; codecs=opus')).toBe('media/m1-image.ogg');
    expect(file('Invoice 12.PDF', 'application/pdf')).toBe('media/m1-Invoice_12.PDF');
    expect(file('notes', 'application/x-unknown')).toBe('media/m1-notes');
  });
});

describe('the GDPR clock', () => {
  it('adds calendar months and keeps to the last day of a short month', () => {
    const jan31 = Date.UTC(2025, 0, 31, 10);
    expect(new Date(addMonths(jan31, 1)).toISOString()).toBe('2025-02-28T10:00:00.000Z');
    expect(new Date(addMonths(jan31, 3)).toISOString()).toBe('2025-04-30T10:00:00.000Z');
  });

  it('allows one extension of at most two months, told within the first month', () => {
    const receivedAt = Date.UTC(2025, 4, 1);
    const request = { law: 'GDPR' as const, receivedAt, extendedUntil: null };
    const until = addMonths(receivedAt, 3);
    expect(extensionRefusal(request, receivedAt + 10 * DAY_MS, until)).toBeNull();
    expect(extensionRefusal(request, receivedAt + 40 * DAY_MS, until)).toMatch(
      /first month/,
    );
    expect(extensionRefusal(request, receivedAt, until + DAY_MS)).toMatch(/two months/);
    expect(extensionRefusal({ ...request, law: 'DPDP' }, receivedAt, until)).toMatch(
      /GDPR/,
    );
  });
});

describe('the refusal notice', () => {
  it('gives the reason, the grievance officer to write to and the authority', () => {
    const notice = refusalNotice({
      kind: 'erasure',
      law: 'DPDP',
      reason: 'Invoices must be kept for eight years',
      authority: 'Data Protection Board of India',
      disclosure: {
        ...DEFAULT_DISCLOSURE,
        grievanceOfficer: {
          name: 'Meera Rao',
          email: 'grievance@acme.test',
          phone: null,
        },
      },
    });
    expect(notice.split('\n')).toEqual([
      'We cannot act on your erasure request (DPDP).',
      'Reason: Invoices must be kept for eight years',
      'You can write to us about this decision: Meera Rao, grievance@acme.test.',
      'You have the right to complain to the Data Protection Board of India.',
    ]);
  });
});

describe("the export summary's rights", () => {
  const rights = (disclosure: ExportDisclosure) =>
    summaryLines({
      workspaceName: 'Acme Sweets',
      exportedAt: '2026-12-05',
      counts: {
        conversations: 1,
        messages: 2,
        files: 0,
        notes: 0,
        notesWithheld: 0,
        notesMasked: 0,
        masks: noMasks(),
      },
      consent: [],
      recipients: [],
      disclosure,
    }).find((section) => section.heading === 'Your rights')!.lines;

  it('never says "write to us" with no address: without a privacy contact it names the workspace', () => {
    const lines = rights(DEFAULT_DISCLOSURE).join('\n');
    expect(lines).not.toMatch(/write to us/);
    expect(lines).toContain(
      'erased: write to Acme Sweets on WhatsApp (no privacy contact is set)',
    );
    expect(lines).toContain('withdraw any consent you gave: reply STOP on WhatsApp;');
  });

  it('sends the person to the privacy contact once one is set', () => {
    const lines = rights({
      ...DEFAULT_DISCLOSURE,
      privacyContact: { name: 'Priya Rao', email: 'privacy@acme.test', phone: null },
    }).join('\n');
    expect(lines).toContain('erased: write to the privacy contact below');
    expect(lines).toContain(
      'reply STOP on WhatsApp or write to the privacy contact below;',
    );
  });
});
