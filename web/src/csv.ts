import type { Table } from './api';

/** A plain number written as text (a HUGEINT, a wide DECIMAL, "-Infinity"): kept as it is, sign included. */
const numberText = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^[+-]?infinity$/i;

/** Text a spreadsheet opening the file would take as a formula (= + - @, or a tab or carriage return before one):
 * a product title or review sent as `=HYPERLINK(…)` or `=cmd|…` must open as the text it is, so such a cell starts
 * with an apostrophe (OWASP's CSV injection advice). */
const formula = (s: string): boolean => /^[=+\-@\t\r]/.test(s) && !numberText.test(s);

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
  const s = typeof v === 'string' && formula(text) ? `'${text}` : text;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** RFC 4180 CSV of a result, header first, CRLF line ends; text a spreadsheet would run as a formula starts with an
 * apostrophe. */
export function toCsv(t: Table): string {
  return [t.columns.map(c => cell(c.name)).join(','), ...t.rows.map(r => r.map(cell).join(','))].join('\r\n') + '\r\n';
}

/** Offers text as a file download. */
export function download(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
