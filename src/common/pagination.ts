import { ValidationError } from './errors/domain.error.js';
import { MAX_ID } from './parse-id.pipe.js';

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

// Keyset pagination: the cursor is the last id seen, so a page costs the same at any depth.
export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString();
  if (
    !/^[1-9]\d{0,15}$/.test(text) ||
    Number(text) > MAX_ID ||
    encodeCursor(Number(text)) !== cursor
  ) {
    throw new ValidationError([
      { field: 'cursor', message: 'cursor is not one this API gave out' },
    ]);
  }
  return Number(text);
}

function encodeCursor(id: number): string {
  return Buffer.from(String(id)).toString('base64url');
}

/** `rows` was fetched with `limit + 1` to learn whether another page follows. */
export function toPage<T extends { id: number }, D>(
  rows: T[],
  limit: number,
  map: (row: T) => D,
): Page<D> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(map),
    next_cursor: rows.length > limit && last ? encodeCursor(last.id) : null,
  };
}
