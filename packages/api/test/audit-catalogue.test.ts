import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, AUDIT_AREAS, AUDIT_EVENTS } from '@flowgento/audit';
import { procedureCatalog } from '../src/index.ts';
import { documentedTable, markdownTable } from './doc-table.ts';

const procedures = procedureCatalog();
const mutations = procedures.filter((p) => p.type === 'mutation');

/** The catalogue as docs/AUDIT.md shows it, grouped by area. */
function eventRows(): string[][] {
  return AUDIT_AREAS.flatMap((area) =>
    AUDIT_ACTIONS.filter((action) => AUDIT_EVENTS[action].area === area).map((action) => {
      const event = AUDIT_EVENTS[action];
      return [
        `\`${action}\``,
        area,
        event.when,
        event.scope,
        event.target ?? '—',
        event.details || '—',
      ];
    }),
  );
}

/** Which API call writes which entry, as docs/AUDIT.md shows it. */
function procedureRows(): string[][] {
  return mutations.map((p) => [
    `\`${p.path}\``,
    p.audits && 'writes' in p.audits
      ? p.audits.writes.map((action) => `\`${action}\``).join(' or ')
      : `none: ${p.audits?.none ?? 'UNDECLARED'}`,
  ]);
}

describe('the audit event catalogue', () => {
  it('describes every action once, in a known area', () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    expect(Object.keys(AUDIT_EVENTS).sort()).toEqual([...AUDIT_ACTIONS].sort());
    for (const action of AUDIT_ACTIONS) {
      expect(AUDIT_AREAS, action).toContain(AUDIT_EVENTS[action].area);
    }
  });

  it.each(mutations.map((p) => [p.path, p] as const))(
    '%s declares what it writes to the audit log',
    (_path, procedure) => {
      expect(procedure.audits, 'declare writes(...) or notAudited(reason)').toBeDefined();
      if (procedure.audits && 'writes' in procedure.audits) {
        expect(procedure.audits.writes.length).toBeGreaterThan(0);
        for (const action of procedure.audits.writes)
          expect(AUDIT_ACTIONS).toContain(action);
      }
    },
  );

  it('is declared on mutations only: a read changes nothing to audit', () => {
    const reads = procedures.filter((p) => p.type !== 'mutation' && p.audits);
    expect(reads.map((p) => p.path)).toEqual([]);
  });
});

describe('docs/AUDIT.md', () => {
  it('lists exactly the events the code can write', () => {
    const header = ['action', 'area', 'written when', 'log', 'target', 'details'];
    expect(
      documentedTable('AUDIT.md', 'audit-events'),
      `Paste this table into docs/AUDIT.md, then run prettier:\n\n${markdownTable(header, eventRows())}\n`,
    ).toEqual([header, ...eventRows()]);
  });

  it('says which API call writes which entry', () => {
    const header = ['API call', 'writes'];
    expect(
      documentedTable('AUDIT.md', 'audit-procedures'),
      `Paste this table into docs/AUDIT.md, then run prettier:\n\n${markdownTable(header, procedureRows())}\n`,
    ).toEqual([header, ...procedureRows()]);
  });
});
