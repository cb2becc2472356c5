/**
 * Turning driver values into JSON-safe, lossless cell values (docs/api.md "Value encoding"): 64-bit integers and decimals
 * as strings, timestamps as ISO-8601 strings, binary as `{ $base64 }`, JSON columns as JSON values, arrays as arrays.
 * Connectors configure their drivers to hand over text where a JS number or Date would lose precision; this is the
 * last step for what remains.
 */
export function toJsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // NaN and ±Infinity are not JSON; a database float can hold them.
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'object':
      if (value instanceof Uint8Array) return { $base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (Array.isArray(value)) return value.map(toJsonSafe);
      return mapObject(value as Record<string, unknown>);
    default:
      return String(value);
  }
}

function mapObject(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = toJsonSafe(value[key]);
  return out;
}

/** Applies toJsonSafe to each cell of an array row, in place (rows are fresh arrays from the driver). */
export function rowToJsonSafe(row: unknown[]): unknown[] {
  for (let i = 0; i < row.length; i++) {
    const cell = row[i];
    // Fast path: most cells are already JSON-safe primitives.
    if (cell === null || typeof cell === 'string' || typeof cell === 'boolean') continue;
    row[i] = toJsonSafe(cell);
  }
  return row;
}
