import { readFileSync } from 'node:fs';

/** A markdown table, ready to paste (prettier aligns it afterwards). */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * The cells of the table between `<!-- name:start -->` and `<!-- name:end -->`
 * in a file of docs/, header row included, separator row left out.
 */
export function documentedTable(docFile: string, name: string): string[][] {
  const doc = readFileSync(new URL(`../../../docs/${docFile}`, import.meta.url), 'utf8');
  const block = new RegExp(`<!-- ${name}:start -->([\\s\\S]*?)<!-- ${name}:end -->`).exec(
    doc,
  )?.[1];
  if (!block) throw new Error(`docs/${docFile} lost its ${name} markers`);
  return block
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .filter((line) => !/^\|[\s:|-]+\|$/.test(line.trim()))
    .map((line) =>
      line
        .trim()
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/\\\|/g, '|')),
    );
}
