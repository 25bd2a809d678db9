import { peopleCount, recordCount, type DraftDocument } from './breach-drafts.ts';
import type { BreachView } from './breach-register.ts';

const TITLES: Record<DraftDocument, string> = {
  board_intimation: 'Intimation to the Data Protection Board of India (without delay)',
  board: 'Report to the Data Protection Board of India (72 hours)',
  gdpr: 'Notification to the GDPR supervisory authority (article 33)',
  cert_in: 'CERT-In incident report',
  people: 'Notice to the people affected',
};

/**
 * The report as printable text: the clocks, who was affected (counts only:
 * an erased person is a number here, never a name), then every document.
 */
export function reportText(view: BreachView): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  const lines = [
    `Personal data breach report: ${view.breach.title}`,
    `Aware since ${iso(view.breach.awareAt)}`,
    '',
    ...view.clocks.map(
      (c) =>
        `${c.label}: due ${iso(c.deadline)}` +
        (c.done
          ? `, done ${iso(c.done.at)} (${c.done.reference})`
          : `, ${c.state.replace('_', ' ')}`),
    ),
    '',
    `People affected: ${peopleCount(view.affected)}`,
    `Records concerned: ${recordCount(view.affected)}`,
  ];
  for (const doc of ['board_intimation', 'board', 'gdpr', 'cert_in', 'people'] as const) {
    lines.push('', TITLES[doc], '-'.repeat(TITLES[doc].length));
    for (const f of view.drafts[doc]) lines.push(`${f.label}:`, `  ${f.text}`);
  }
  return lines.join('\n');
}
