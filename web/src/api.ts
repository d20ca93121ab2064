// Thin client for the Emporium HTTP API. Every number the dashboard shows comes from here.

import { serverAnswered, serverUnreachable } from './connection';

export interface Column { name: string; type: string }
export interface Table { name?: string; columns: Column[]; rows: unknown[][]; truncated?: boolean; truncatedBy?: 'maxRows' | 'maxResultBytes' | null }

/** An API answer that was not 2xx, carrying the server's own message. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/** A 401 or 403: the server has API keys and this tab's key (none, unknown, or without the scope) is refused. Every
 * read of the page is refused the same way until the reader enters another key, which draws the page again. */
export const isKeyRefusal = (e: unknown): e is ApiError => e instanceof ApiError && (e.status === 401 || e.status === 403);

const keyStorage = 'emporium.apiKey';

/** The admin/read key typed on the Pipelines page, kept for this tab only. */
export function apiKey(): string { return sessionStorage.getItem(keyStorage) ?? ''; }
export function setApiKey(key: string): void {
  if (key) sessionStorage.setItem(keyStorage, key); else sessionStorage.removeItem(keyStorage);
}

function headers(extra?: HeadersInit): Headers {
  const h = new Headers(extra);
  h.set('Accept', 'application/json');
  const key = apiKey();
  if (key) {
    h.set('X-Api-Key', key);
    h.set('Authorization', `Bearer ${key}`);
  }
  return h;
}

/** The problem title of a 404 from a process of a split deployment that does not run the role serving the path
 * (OtherRolesEndpoints.NotServedTitle): the route exists, in another process. */
export const notServedTitle = 'not served by this process';

/** A 404 saying another process of a split deployment serves the path: unlike a plain 404, "nothing there" is false. */
export const isNotServed = (e: unknown): e is ApiError => e instanceof ApiError && e.status === 404 && e.message.startsWith(`${notServedTitle}:`);

/** Pulls a human message out of an error body: problem+json, {"error"}, {"message"} or plain text. */
async function errorMessage(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    // Problem details: "API key required: send the key as …" reads better than either part alone, unless the detail
    // already starts with the title ("query refused: …").
    if (typeof body.title === 'string' && typeof body.detail === 'string' && body.title && body.detail) {
      return body.detail.startsWith(body.title) ? body.detail : `${body.title}: ${body.detail}`;
    }
    for (const k of ['detail', 'error', 'message', 'title']) {
      const v = body[k];
      if (typeof v === 'string' && v) return v;
      if (v && typeof v === 'object' && typeof (v as Record<string, unknown>).message === 'string') {
        return (v as Record<string, string>).message;
      }
    }
    if (body.errors) return JSON.stringify(body.errors);
  } catch { /* not JSON: fall through to the text */ }
  return text.trim() || `${res.status} ${res.statusText}`;
}

/** No answer at all: the server is stopped, restarting or out of reach (fetch's own "Failed to fetch" says none of that). */
export class NetworkError extends Error {
  constructor() { super('The Emporium server is not answering: it is stopped, restarting or out of reach.'); }
}

export async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: headers(init.headers) });
  } catch (e) {
    // Leaving a page or a newer query aborts on purpose; anything else means no server answered.
    if (init.signal?.aborted) throw e;
    serverUnreachable();
    throw new NetworkError();
  }
  serverAnswered();
  if (!res.ok) throw new ApiError(res.status, await errorMessage(res));
  const type = res.headers.get('Content-Type') ?? '';
  return (type.includes('json') ? parseJson(await res.text()) : await res.text()) as T;
}

/** JSON with numbers a double cannot hold kept as their digits: JSON.parse rounds them to the nearest double, so a
 * BIGINT key or a UBIGINT hash (9007199254740993) would be shown, compared and downloaded as a neighbour (…992), and
 * a DECIMAL(38,10) 1234567.1234567891 as 1234567.123456789. The reviver's source text (Chromium 114+, Firefox 135+)
 * has the digits; a browser without it keeps the rounded number. */
export function parseJson(text: string): unknown {
  return JSON.parse(text, (_key: string, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && context?.source !== undefined &&
    (/^-?\d+$/.test(context.source) ? !Number.isSafeInteger(value) : !holdsExactly(context.source, value))
      ? context.source : value);
}

/** A number's significant digits and the power of ten of its first one ("1.50" and "1.5" both "15e0", "1E+300" and
 * "1e+300" both "1e300"), or null for text that is no plain JSON number. */
function digitsOf(text: string): string | null {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return null;
  const all = m[2] + (m[3] ?? '');
  const lead = /^0*/.exec(all)![0].length;
  const digits = all.slice(lead).replace(/0+$/, '');
  return digits ? `${m[1]}${digits}e${Number(m[4] ?? 0) + m[2].length - lead - 1}` : '0';
}

/** Whether a double is the very number its JSON text wrote: the shortest text of the double (what String writes)
 * has the same digits. Any text of at most 15 significant digits does; a longer one only by chance. */
export const holdsExactly = (text: string, value: number): boolean => digitsOf(text) === digitsOf(String(value));

export const getJson = <T>(path: string, signal?: AbortSignal) => request<T>(path, { signal });

export const postJson = <T>(path: string, body: unknown, signal?: AbortSignal) =>
  request<T>(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' }, signal });

export const deleteJson = <T>(path: string, signal?: AbortSignal) => request<T>(path, { method: 'DELETE', signal });

let martList: { at: number; names: Promise<Set<string>> } | null = null;

/** Names of the marts the warehouse can answer now (the API lists every mart, with `available` false for those whose
 * tables no DAG run has written yet); cached for a few seconds. */
export function martNames(signal?: AbortSignal): Promise<Set<string>> {
  if (!martList || performance.now() - martList.at > 5000) {
    const names = getJson<unknown>('/api/v1/marts', signal).then(b => new Set(listOf<unknown>(b, 'marts')
      .filter(m => typeof m === 'string' || (m as Record<string, unknown>).available !== false)
      .map(m => typeof m === 'string' ? m : String((m as Record<string, unknown>).name))));
    names.catch(() => { martList = null; });
    martList = { at: performance.now(), names };
  }
  return martList.names;
}

/** A mart, or null when it does not exist yet. Asks the mart list first, so a missing mart costs no failed request. */
export async function mart(name: string, params: Record<string, string | number> = {}, signal?: AbortSignal): Promise<Table | null> {
  if (!(await martNames(signal)).has(name)) return null;
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  try {
    return await getJson<Table>(`/api/v1/marts/${encodeURIComponent(name)}${qs ? `?${qs}` : ''}`, signal);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** Runs read-only SQL through the query API. */
export const query = (sql: string, signal?: AbortSignal) => postJson<Table>('/api/v1/query', { sql }, signal);

/** A GET that answers null on 404 (an endpoint or object not there yet). */
export async function optional<T>(path: string, signal?: AbortSignal): Promise<T | null> {
  try {
    return await getJson<T>(path, signal);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/**
 * A text sort key compared by code point, as the marts' reads sort theirs (MartSql.ByteOrder): PostgreSQL would sort
 * by the database's collation (en_US puts `b-1` before `B2`), DuckDB by code point, so a table's ties came in another
 * order on each warehouse. Both accept `COLLATE "C"`; PostgreSQL not in the ORDER BY of a SELECT DISTINCT (group
 * instead).
 */
export const byteOrder = (column: string) => `${column} COLLATE "C"`;

/** A SQL string literal, quotes doubled. */
export const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Index of a column by name (case-insensitive), or -1. */
export function colIndex(t: Table, name: string): number {
  const n = name.toLowerCase();
  return t.columns.findIndex(c => c.name.toLowerCase() === n);
}

/** Rows as objects keyed by column name. */
export function records(t: Table): Record<string, unknown>[] {
  return t.rows.map(r => Object.fromEntries(t.columns.map((c, i) => [c.name, r[i]])));
}

/** A list from an API answer that may be a bare array or wrap it in a named property. */
export function listOf<T = Record<string, unknown>>(body: unknown, ...keys: string[]): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    for (const k of [...keys, 'items', 'data', 'rows']) if (Array.isArray(o[k])) return o[k] as T[];
  }
  return [];
}

/** The first present field among several spellings (camelCase, snake_case) of one property. */
export function pick(o: Record<string, unknown> | null | undefined, ...names: string[]): unknown {
  if (!o) return undefined;
  for (const n of names) if (o[n] !== undefined && o[n] !== null) return o[n];
  return undefined;
}
