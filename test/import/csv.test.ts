import { describe, expect, it } from 'vitest';
import { applySavedMapping, suggestMapping } from '../../engine/import/mapping';
import { rowToCapture } from '../../engine/import/rows';
import { columnMappingSchema } from '../../engine/import/schemas';
import { takeBatch } from '../../workers/import/import.activity';
import { detectDelimiter, detectEncoding, readHeader, UnreadableFileError, utf8Transcoder, type CsvEvent } from '../../workers/import/csv-file';

const win1252 = (s: string) => Buffer.from([...s].map((ch) => ({ 'ü': 0xfc, 'ö': 0xf6, 'ä': 0xe4, 'ß': 0xdf, '€': 0x80, 'é': 0xe9 } as Record<string, number>)[ch] ?? ch.charCodeAt(0)));

describe('encoding detection', () => {
  it('reads a UTF-8 BOM, UTF-16 with either BOM, plain UTF-8 and Windows-1252', () => {
    expect(detectEncoding(Buffer.from('\ufeffName;E-Mail\n', 'utf8'))).toBe('utf-8-bom');
    expect(detectEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Name,E-Mail\n', 'utf16le')]))).toBe('utf-16le');
    const be = Buffer.from('Name,E-Mail\n', 'utf16le').swap16();
    expect(detectEncoding(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe('utf-16be');
    expect(detectEncoding(Buffer.from('Name;Straße\nJürgen;Köln\n', 'utf8'), true)).toBe('utf-8');
    expect(detectEncoding(win1252('Name;Straße\nJürgen;Köln\n'), true)).toBe('windows-1252');
  });

  it('refuses a binary file and UTF-32 with a reason', () => {
    expect(() => detectEncoding(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0x00, 0x01]))).toThrow(UnreadableFileError);
    expect(() => detectEncoding(Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x41, 0x00, 0x00, 0x00]))).toThrow(/UTF-32/);
  });

  it('transcodes Windows-1252 and UTF-16 to UTF-8 without the BOM, across chunk borders', () => {
    const t = utf8Transcoder('windows-1252');
    const bytes = win1252('Jürgen;Köln;5 €\n');
    expect(Buffer.concat([t.push(bytes.subarray(0, 3)), t.push(bytes.subarray(3)), t.end()]).toString('utf8')).toBe('Jürgen;Köln;5 €\n');
    const u = utf8Transcoder('utf-16le');
    const b16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Zoë;Ålesund\n', 'utf16le')]);
    expect(Buffer.concat([u.push(b16.subarray(0, 5)), u.push(b16.subarray(5)), u.end()]).toString('utf8')).toBe('Zoë;Ålesund\n');
    const bom = utf8Transcoder('utf-8-bom');
    expect(Buffer.concat([bom.push(Buffer.from('\ufeffName\n', 'utf8')), bom.end()]).toString('utf8')).toBe('Name\n');
  });
});

describe('delimiter and header', () => {
  it('finds ; , and tab, ignoring delimiters inside quotes', () => {
    expect(detectDelimiter('Name;E-Mail;Firma\nAna;ana@acme.io;"Acme, Inc."\nBo;bo@x.io;X\n')).toBe(';');
    expect(detectDelimiter('Name,E-Mail\n"Doe; Jane",jane@x.io\n')).toBe(',');
    expect(detectDelimiter('Name\tE-Mail\tFirma\nAna\tana@acme.io\tAcme\n')).toBe('\t');
    expect(detectDelimiter('E-Mail\nana@acme.io\n')).toBe(',');
  });

  it('reads the header and where the data starts; refuses a repeated column name', async () => {
    const text = Buffer.from('Name;E-Mail\r\nAna;ana@acme.io\r\n');
    expect(await readHeader(text, ';')).toEqual({ headers: ['Name', 'E-Mail'], dataOffset: 13, dataLine: 2 });
    await expect(readHeader(Buffer.from('Name;Name\nA;B\n'), ';')).rejects.toThrow(/twice/);
  });
});

describe('mapping and row checks', () => {
  it('suggests fields from German, English and French headers; a saved mapping applies by header', () => {
    expect(suggestMapping(['Vorname', 'Nachname', 'E-Mail', 'Telefon', 'Firma', 'Land', 'Sonstiges'])).toEqual({
      Vorname: 'firstName', Nachname: 'lastName', 'E-Mail': 'email', Telefon: 'phone', Firma: 'company', Land: 'country',
    });
    expect(suggestMapping(['Full Name', 'Email Address', 'Company', 'First name'])).toEqual({ 'Full Name': 'name', 'Email Address': 'email', Company: 'company' });
    expect(suggestMapping(['Nom', 'Courriel', 'Société'])).toEqual({ Nom: 'name', Courriel: 'email', Société: 'company' });
    expect(applySavedMapping({ 'E-Mail': 'email', Kunde: 'name' }, ['kunde', 'e-mail', 'x'])).toEqual({ kunde: 'name', 'e-mail': 'email' });
  });

  it('a mapping needs a name and an e-mail or phone, each field once', () => {
    expect(columnMappingSchema.safeParse({ A: 'email' }).success).toBe(false);
    expect(columnMappingSchema.safeParse({ A: 'name', B: 'company' }).success).toBe(false);
    expect(columnMappingSchema.safeParse({ A: 'name', B: 'email', C: 'email' }).success).toBe(false);
    expect(columnMappingSchema.safeParse({ A: 'firstName', B: 'phone' }).success).toBe(true);
  });

  it('turns a row into a capture or names each bad field', () => {
    const headers = ['Vorname', 'Nachname', 'E-Mail', 'Mitarbeiter'];
    const mapping = { Vorname: 'firstName', Nachname: 'lastName', 'E-Mail': 'email', Mitarbeiter: 'companySize' } as const;
    expect(rowToCapture(headers, ['Ana', 'Diaz', 'Ana@Acme.io', '1.200'], mapping)).toEqual({ ok: true, body: { name: 'Ana Diaz', email: 'ana@acme.io', companySize: 1200 } });
    const bad = rowToCapture(headers, ['', '', 'nope', 'many'], mapping);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems.map((p) => p.field).sort()).toEqual(['companySize', 'email', 'name']);
      expect(bad.problems.find((p) => p.field === 'email')!.reason).toMatch(/e-mail address.*nope/);
    }
    const short = rowToCapture(headers, ['Ana'], mapping);
    expect(short).toEqual({ ok: false, problems: [{ field: '(row)', reason: 'has 1 column, the header has 4' }] });
  });
});

describe('batches', () => {
  const rec = (line: number): CsvEvent => ({ kind: 'record', fields: [], line, endLine: line, endOffset: line * 10 });
  const err = (line: number): CsvEvent => ({ kind: 'error', line, reason: 'x' });

  it('end on a record; unreadable rows after it wait for the next batch, or close the file', () => {
    const events = [rec(2), err(3), rec(4), rec(5), err(6)];
    expect(takeBatch(events, 3, false)).toMatchObject({ taken: [rec(2), err(3), rec(4)], last: rec(4), complete: false });
    expect(takeBatch(events, 10, false)).toMatchObject({ taken: [rec(2), err(3), rec(4), rec(5)], last: rec(5), complete: false });
    expect(takeBatch(events, 10, true)).toMatchObject({ taken: events, last: rec(5), complete: true });
  });
});
