import { describe, expect, it } from 'vitest';
import type { BreachRecord } from '@flowgento/store';
import { breachDrafts, plural, type AffectedCounts } from '../src/breach-drafts.ts';

const BREACH: BreachRecord = {
  id: 'b1',
  title: 'Laptop stolen',
  awareAt: Date.UTC(2026, 0, 5, 9, 0),
  occurredAt: Date.UTC(2026, 0, 5, 7, 30),
  details: {
    nature: 'A laptop with an open agent session was stolen',
    categories: 'names, numbers, message text',
    systems: 'agent browser session',
    measures: 'sessions revoked',
    contactPoint: 'dpo@acme.test',
  },
  peopleTargetHours: 72,
  createdBy: 'u1',
  createdAt: 0,
  updatedAt: 0,
  done: {},
};

const ONE: AffectedCounts = {
  resolved: 1,
  erased: 0,
  erasedBefore: 0,
  records: { messages: 1, files: 0, notes: 1 },
};

const text = (fields: { key: string; text: string }[], key: string) =>
  fields.find((f) => f.key === key)!.text;

describe('the breach notifications', () => {
  it('writes singular and plural counts as English does', () => {
    expect(plural(1, 'person', 'people')).toBe('1 person');
    expect(plural(0, 'message')).toBe('0 messages');
    const drafts = breachDrafts(BREACH, ONE);
    const all = Object.values(drafts)
      .flat()
      .map((f) => f.text)
      .join('\n');
    expect(all).toContain('Extent: 1 person.');
    expect(all).not.toMatch(/\b1 (people|contacts|messages|files|notes)\b/);
    expect(all).not.toMatch(/\(s\)|\(es\)/);
    const erasedSince = breachDrafts(BREACH, { ...ONE, resolved: 2, erased: 1 });
    expect(text(erasedSince.board, 'board.notices')).toBe(
      'Affected: 3 people (1 of them erased since the breach became known).',
    );
    const erasedEarlier = breachDrafts(BREACH, { ...ONE, erased: 1, erasedBefore: 2 });
    expect(text(erasedEarlier.board, 'board.notices')).toBe(
      'Affected: 4 people (1 of them erased since the breach became known; ' +
        '2 erased before it became known).',
    );
  });

  it('tells each person what happened to them, never how many others it happened to', () => {
    const drafts = breachDrafts(
      { ...BREACH, occurredAt: null },
      { ...ONE, resolved: 1, erased: 1 },
    );
    const notice = text(drafts.people, 'people.description');
    expect(notice).not.toMatch(/people|person|erased|Extent/);
    expect(notice).toContain('Occurred: not yet known;');
    expect(text(drafts.board, 'board.notices')).toBe(
      'Affected: 2 people (1 of them erased since the breach became known).',
    );
    const nature = text(drafts.gdpr, 'gdpr.nature');
    expect(nature).toContain(
      'When it occurred is not yet known; the controller became aware of it on',
    );
    expect(nature).not.toMatch(/occurred not yet known/);
  });

  it('writes the GDPR notification for the supervisory authority, with the numbers article 33(3)(a) asks for', () => {
    const gdpr = breachDrafts(BREACH, {
      resolved: 2,
      erased: 1,
      erasedBefore: 0,
      records: { messages: 340, files: 12, notes: 1 },
    }).gdpr;
    expect(gdpr.map((f) => f.key)).toEqual([
      'gdpr.nature',
      'gdpr.contact',
      'gdpr.consequences',
      'gdpr.measures',
    ]);
    const nature = text(gdpr, 'gdpr.nature');
    expect(nature).toContain(
      'Approximate number of data subjects concerned: 3 people (1 of them erased since the breach became known).',
    );
    expect(nature).toContain(
      'Approximate number of personal data records concerned: 340 messages, 12 files and 1 note',
    );
    expect(nature).toContain('Categories of personal data records concerned: names');
    expect(text(gdpr, 'gdpr.contact')).toBe('dpo@acme.test');
    // About the data subjects, never to them: no "you", "your", "us".
    for (const field of gdpr) {
      expect(field.text, field.key).not.toMatch(/\b(you|your|us)\b/i);
    }
    expect(text(gdpr, 'gdpr.consequences')).toMatch(/data subjects/);
    expect(text(gdpr, 'gdpr.measures')).toMatch(/mitigate possible adverse effects/);
    // Before anyone is counted the numbers say so instead of inventing them.
    expect(text(breachDrafts(BREACH, null).gdpr, 'gdpr.nature')).toContain(
      'records concerned: not yet determined.',
    );
    const uncounted = text(breachDrafts(BREACH, null).gdpr, 'gdpr.measures');
    expect(uncounted).toContain(
      '(article 34): in preparation; the people to tell are not yet determined.',
    );
    expect(uncounted).not.toMatch(/for not yet determined/);
  });
});
