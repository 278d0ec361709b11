/** A lead list as a spreadsheet program in a German locale saves it, with known duplicates and bad rows. */
export interface ImportFixture {
  csv: string;
  rows: number;
  /** Rows repeating an earlier row's person (same e-mail and phone). */
  duplicates: number;
  /** Rows that cannot be imported (invalid e-mail and no phone), by their row number in the file (header = 1). */
  badRows: number[];
  /** Rows that make a new lead on an empty database. */
  unique: number;
}

/**
 * `rows` data rows separated by `;`: every `dupEvery`-th row repeats an earlier row, every `badEvery`-th row (that is
 * not a duplicate) has an invalid e-mail address and no phone.
 * @example makeImportCsv({ rows: 100, tag: 'a' }) // { duplicates: 5, badRows: [...2 rows], unique: 93, … }
 */
export function makeImportCsv(opts: { rows: number; tag: string; dupEvery?: number; badEvery?: number }): ImportFixture {
  const dupEvery = opts.dupEvery ?? 20;
  const badEvery = opts.badEvery ?? 50;
  const lines = ['Vorname;Nachname;E-Mail;Telefon;Firma;Land'];
  // Two digits from the tag keep the phone numbers of differently tagged files apart (Berlin numbers: 030 + 8 digits).
  const area = 10 + ([...opts.tag].reduce((n, ch) => n * 31 + ch.charCodeAt(0), 7) % 90);
  const people: string[] = [];
  const badRows: number[] = [];
  let duplicates = 0;
  for (let i = 1; i <= opts.rows; i++) {
    const row = i + 1;
    if (i % dupEvery === 0 && people.length) {
      lines.push(people[(i * 7) % people.length]!);
      duplicates++;
      continue;
    }
    if (i % badEvery === 0) {
      lines.push(`Bad;Row ${i};not-an-email-${i};;Broken GmbH;DE`);
      badRows.push(row);
      continue;
    }
    const person = `Anna ${i};Müller-${opts.tag};anna.${i}@${opts.tag}.import.example;+49 30 ${area}${String(100_000 + i)};Firma ${i} GmbH;DE`;
    people.push(person);
    lines.push(person);
  }
  return { csv: `${lines.join('\r\n')}\r\n`, rows: opts.rows, duplicates, badRows, unique: people.length };
}
