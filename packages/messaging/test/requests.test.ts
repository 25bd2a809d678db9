import { describe, expect, it } from 'vitest';
import { DAY_MS } from '@flowgento/core';
import {
  addMonths,
  DEFAULT_DISCLOSURE,
  extensionRefusal,
  NoteRedactor,
  refusalNotice,
} from '../src/index.ts';

describe('the note redactor', () => {
  const redactor = new NoteRedactor([
    { waId: '5511912345678', profileName: 'Bruno Lima' },
    { waId: '919812345678', profileName: 'Al' },
  ]);

  it('withholds a note naming another contact by number, however it is typed', () => {
    expect(redactor.namesSomeoneElse('call +55 (11) 91234-5678 too')).toBe(true);
    expect(redactor.namesSomeoneElse('her brother 98123 45678')).toBe(true);
    expect(redactor.namesSomeoneElse('order 4471 shipped')).toBe(false);
  });

  it('withholds a note naming another contact by profile name, as a whole word', () => {
    expect(redactor.namesSomeoneElse('same house as BRUNO LIMA')).toBe(true);
    expect(redactor.namesSomeoneElse('Bruno Limatti called')).toBe(false);
    // Names shorter than three characters are too common to mean a person.
    expect(redactor.namesSomeoneElse('Al said hello')).toBe(false);
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
      'You have the right to complain to Data Protection Board of India.',
    ]);
  });
});
