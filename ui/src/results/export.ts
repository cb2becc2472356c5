/**
 * Export of the shown result set as CSV (RFC 4180, NULL as an empty field) or JSON (an array of objects, values as
 * they came over the wire). Built in slices into a Blob so a large result does not become one giant string; the slices
 * are read from wherever the rows are kept (result-set.ts), so the functions are asynchronous.
 */
import { cellText, type ResultSet } from './result-set.js';

const SLICE = 5_000;

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export async function toCsvBlob(set: ResultSet): Promise<Blob> {
  const parts: string[] = [set.columns.map((c) => csvField(c.name)).join(',') + '\r\n'];
  for (let from = 0; from < set.rowCount; from += SLICE) {
    let chunk = '';
    for (const row of await set.read(from, Math.min(set.rowCount, from + SLICE))) {
      chunk += row.map((v) => (v === null ? '' : csvField(cellText(v)))).join(',') + '\r\n';
    }
    parts.push(chunk);
  }
  return new Blob(parts, { type: 'text/csv;charset=utf-8' });
}

export async function toJsonBlob(set: ResultSet): Promise<Blob> {
  const names = set.columns.map((c) => c.name);
  const parts: string[] = ['['];
  for (let from = 0; from < set.rowCount; from += SLICE) {
    const objects: string[] = [];
    for (const row of await set.read(from, Math.min(set.rowCount, from + SLICE))) {
      const object: Record<string, unknown> = {};
      names.forEach((name, i) => (object[name] = row[i]));
      objects.push(JSON.stringify(object));
    }
    parts.push((from > 0 ? ',\n' : '\n') + objects.join(',\n'));
  }
  parts.push('\n]\n');
  return new Blob(parts, { type: 'application/json' });
}

export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
