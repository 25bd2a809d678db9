/**
 * A strict RFC 4180 reader for the tests: records end in CRLF, a field with a
 * comma, quote or line break is quoted, quotes inside are doubled. Anything
 * else (a bare LF or CR between fields, a stray quote, a missing last CRLF)
 * throws, so an export a spreadsheet would misread fails the test.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new Error(`unterminated quoted field at ${i}`);
        field += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          field += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
    } else {
      const end = text.slice(i).search(/[,\r\n"]/);
      const stop = end < 0 ? text.length : i + end;
      field = text.slice(i, stop);
      i = stop;
      if (text[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`);
    }
    record.push(field);
    if (text[i] === ',') {
      i += 1;
    } else if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else {
      throw new Error(`expected a comma or CRLF at ${i}`);
    }
  }
  if (record.length > 0) throw new Error('the last record does not end in CRLF');
  return records;
}

/** CSV text with a UTF-8 byte order mark and a header row, as objects by column name. */
export function parseCsvExport(text: string): Record<string, string>[] {
  if (!text.startsWith('\uFEFF')) throw new Error('no UTF-8 byte order mark');
  const [header, ...rows] = parseCsv(text.slice(1));
  if (!header) throw new Error('no header row');
  return rows.map((row) => {
    if (row.length !== header.length) {
      throw new Error(`a row has ${row.length} cells, the header ${header.length}`);
    }
    return Object.fromEntries(header.map((name, index) => [name, row[index]!]));
  });
}
