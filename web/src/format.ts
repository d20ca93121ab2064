// Formatting for people: Intl with the browser's locale.
import { holdsExactly } from './api';

const locale = navigator.language || 'en';
const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
const currencies = new Map<string, Intl.NumberFormat>();
const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
const dayTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });

export const num = (v: unknown): number | null => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return null;
};

/** An integer beyond a double's precision (sent as its digits, or kept so by the API client) as a BigInt, so that
 * formatting it changes no digit; null for anything else. */
function bigInteger(v: unknown): bigint | null {
  if (typeof v === 'bigint') return v;
  return typeof v === 'string' && /^-?\d{16,}$/.test(v) && !Number.isSafeInteger(Number(v)) ? BigInt(v) : null;
}

const point = decimal.formatToParts(1.5).find(p => p.type === 'decimal')?.value ?? '.';

/** A decimal sent (or kept by the API client) as its digits because a double cannot hold it (a DECIMAL(38,10), a
 * PostgreSQL numeric), written with every digit: the integer part grouped as the locale does, then all the fraction
 * digits the warehouse gave. Null for anything else. */
function exactDecimal(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const m = /^(-?)(\d+)\.(\d+)$/.exec(v);
  if (!m || holdsExactly(v, Number(v))) return null;
  return `${m[1]}${integer.format(BigInt(m[2]))}${point}${m[3]}`;
}

export function count(v: unknown): string {
  const big = bigInteger(v);
  if (big !== null) return integer.format(big);
  const n = num(v);
  return n === null ? '—' : integer.format(n);
}

export function number(v: unknown): string {
  const big = bigInteger(v);
  if (big !== null) return integer.format(big);
  const exact = exactDecimal(v);
  if (exact !== null) return exact;
  const n = num(v);
  if (n === null) return v === null || v === undefined ? '—' : String(v);
  return Number.isInteger(n) ? integer.format(n) : decimal.format(n);
}

/** Country names the warehouse keeps in lower case (the seed's rule: `united kingdom`) written as a reader expects them:
 * each word capitalized, the abbreviations of the order data (USA, RSA, EIRE) in capitals. Display only: filters and
 * links keep the stored value. */
const placeAbbreviations = new Set(['usa', 'rsa', 'eire', 'uk', 'uae', 'us', 'eu']);
export function place(v: unknown): string {
  return String(v ?? '').split(/(\s+|-)/).map(w => placeAbbreviations.has(w) ? w.toUpperCase() : w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** Money in a given ISO currency: products are priced in US dollars, the Online Retail orders in pounds sterling. */
export function money(v: unknown, currency: string): string {
  const n = num(v);
  if (n === null) return '—';
  let f = currencies.get(currency);
  if (!f) currencies.set(currency, f = new Intl.NumberFormat(locale, { style: 'currency', currency }));
  return f.format(bigInteger(v) ?? n);
}

const isDateOnly = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);

/** A date (YYYY-MM-DD) or timestamp as the reader's locale writes it. */
export function date(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  // A timestamp at midnight with no zone is a day (a run date, a snapshot date): show it as one.
  const s = String(v).replace(/^(\d{4}-\d{2}-\d{2})[T ]00:00:00(\.0+)?$/, '$1');
  const d = new Date(isDateOnly(s) ? `${s}T00:00:00Z` : s);
  if (Number.isNaN(d.getTime())) return s;
  return isDateOnly(s) ? day.format(d) : dayTime.format(d);
}

const durationParts = /^P(?:(-?\d+)Y)?(?:(-?\d+)M)?(?:(-?\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+(?:\.\d+)?)S)?)?$/;
const durationUnits = ['year', 'month', 'day', 'hour', 'minute', 'second'];

/** An interval, sent as an ISO 8601 duration (P1Y2M3DT4H5M6.5S, each part signed), in words: "1 year 2 months 3 days
 * 4 hours 5 minutes 6.5 seconds". Anything else is shown as it came. */
export function duration(v: unknown): string {
  if (v === null || v === undefined) return '—';
  const m = durationParts.exec(String(v));
  if (!m || String(v) === 'P' || String(v).endsWith('T')) return String(v);
  const parts = durationUnits.flatMap((unit, i) => {
    const n = m[i + 1];
    if (n === undefined || Number(n) === 0) return [];
    return [`${number(Number(n))} ${unit}${Math.abs(Number(n)) === 1 ? '' : 's'}`];
  });
  return parts.length === 0 ? '0 seconds' : parts.join(' ');
}

const byteUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** A size in bytes, in binary units: "527.4 KiB". */
export function bytes(v: unknown): string {
  let n = num(v);
  if (n === null) return '—';
  let unit = 0;
  while (Math.abs(n) >= 1024 && unit < byteUnits.length - 1) { n /= 1024; unit++; }
  return `${unit === 0 ? integer.format(n) : decimal.format(n)} ${byteUnits[unit]}`;
}

/** "3 seconds ago" for a timestamp, or for an age given in seconds. */
export function ago(v: unknown, ageSeconds = false): string {
  let seconds: number | null;
  if (ageSeconds) seconds = num(v);
  else {
    const t = v ? new Date(String(v)).getTime() : NaN;
    seconds = Number.isNaN(t) ? null : (Date.now() - t) / 1000;
  }
  if (seconds === null) return '—';
  const s = Math.max(0, seconds);
  if (s < 60) return relative.format(-Math.round(s), 'second');
  if (s < 3600) return relative.format(-Math.round(s / 60), 'minute');
  if (s < 86400) return relative.format(-Math.round(s / 3600), 'hour');
  return relative.format(-Math.round(s / 86400), 'day');
}

const compactFormats = new Map<string, Intl.NumberFormat>();

/** Short axis labels: "£20K", "1.5M". */
export function compact(v: unknown, currency?: string): string {
  const n = num(v);
  if (n === null) return '';
  const key = currency ?? '';
  let f = compactFormats.get(key);
  if (!f) compactFormats.set(key, f = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1, ...(currency ? { style: 'currency', currency } : {}) }));
  return f.format(n);
}

/** Whole column names that read better than their words (the marts' seller columns repeat "product"). */
const headings: Record<string, string> = {
  product_star_rating: 'Star rating', product_num_ratings: 'Ratings', product_title: 'Title', product_price: 'Price',
  sales_volume: 'Bought in past month', insert_date: 'Run date', ds: 'Run date',
};
const headingWords: Record<string, string> = { pct: '%', asin: 'ASIN', id: 'ID', avg: 'average', num: 'number of', qty: 'quantity' };

/** The symbol a currency is written with here ("£", "$"), for a column heading's unit. */
function currencySymbol(currency: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(0).find(p => p.type === 'currency')?.value ?? currency;
}

/** A column heading for people: "total_sales" with money in pounds reads "Total sales (£)", "match_pct" "Match %",
 * "is_best_seller" "Best seller". The unit comes from the column's cell format when it names one. */
export function heading(column: string, format?: string): string {
  let text = headings[column];
  if (!text) {
    const words = column.split(/_+/).filter(w => w !== '');
    if (words.length > 1 && words[0] === 'is') words.shift();
    text = words.map(w => headingWords[w.toLowerCase()] ?? w).join(' ');
    if (text === '') return column;
    text = text[0].toUpperCase() + text.slice(1);
  }
  if (format?.startsWith('money:')) return `${text} (${currencySymbol(format.slice(6))})`;
  if (format === 'percent' && !text.includes('%')) return `${text} (%)`;
  return text;
}
