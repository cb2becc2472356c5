/**
 * Deterministic made-up data for the sample database: the same seed gives the same rows on every machine, so
 * screenshots, docs and tests can rely on what the sample holds.
 */

/** mulberry32: a tiny, well-distributed 32-bit PRNG; plenty for fake shop data, and fully reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/** An integer in [min, max]. */
export function between(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

const DAY_MS = 86_400_000;
/** All sample dates fall in 2023–2024, so the data does not depend on when it was generated. */
const EPOCH = Date.UTC(2023, 0, 1);
const SPAN_DAYS = 730;

/** An ISO-8601 UTC timestamp (`2024-03-05T14:22:10Z`) some day in the sample's two years, or after `after`. */
export function timestamp(random: Random, after?: string): string {
  const start = after === undefined ? EPOCH : Date.parse(after);
  const ms = start + Math.floor(random() * (after === undefined ? SPAN_DAYS : 14) * DAY_MS);
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export const FIRST_NAMES = [
  'Ada', 'Alan', 'Grace', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Edsger', 'Radia', 'Donald',
  'Sophie', 'Tim', 'Hedy', 'John', 'Karen', 'Niklaus', 'Shafi', 'Guido', 'Zoë', 'José', 'Søren', 'Chloé',
] as const;

export const LAST_NAMES = [
  'Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen', 'Dijkstra',
  'Perlman', 'Knuth', 'Wilson', 'Berners-Lee', 'Lamarr', 'Backus', 'Spärck Jones', 'Wirth', 'Goldwasser', 'van Rossum',
  "O'Neil", 'Müller', 'Nakamura', 'García',
] as const;

/** Null-heavy on purpose (about 1 in 8 customers has no country) so the sample shows NULL handling. */
export const COUNTRIES = ['DE', 'FR', 'GB', 'US', 'JP', 'BR', 'IN', null] as const;

export const CATEGORIES = ['Books', 'Cables', 'Keyboards', 'Monitors', 'Storage', 'Audio', 'Lighting', 'Furniture'] as const;

export const ADJECTIVES = ['Compact', 'Pro', 'Silent', 'Ergonomic', 'Wireless', 'Heavy-duty', 'Mini', 'Classic'] as const;

export const NOUNS: Record<(typeof CATEGORIES)[number], readonly string[]> = {
  Books: ['SQL Handbook', 'Query Cookbook', 'Index Atlas', 'Join Primer'],
  Cables: ['USB-C Cable', 'HDMI Cable', 'Patch Cord', 'Power Strip'],
  Keyboards: ['Keyboard', 'Keypad', 'Keycap Set'],
  Monitors: ['27" Monitor', '32" Monitor', 'Monitor Arm'],
  Storage: ['SSD 1 TB', 'SSD 2 TB', 'USB Stick', 'NAS Drive'],
  Audio: ['Headset', 'Speaker', 'Microphone'],
  Lighting: ['Desk Lamp', 'LED Strip', 'Light Bar'],
  Furniture: ['Desk', 'Chair', 'Footrest', 'Shelf'],
};

export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'shipped', 'shipped', 'cancelled'] as const;

export const ORDER_NOTES = [null, null, null, null, null, 'Gift wrap, please', 'Leave at the door', 'Call before delivery'] as const;

/** A tiny 8×8 one-bit "avatar" (8 bytes): enough to show how the API carries BLOBs ({ $base64 }). */
export function avatar(random: Random): Buffer {
  const bytes = Buffer.alloc(8);
  for (let i = 0; i < 8; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/** Money with two decimals, kept exact by computing in cents. */
export function price(random: Random, minCents: number, maxCents: number): number {
  return between(random, minCents, maxCents) / 100;
}
