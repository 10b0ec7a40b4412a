/**
 * Whether two JSON values are equal as JSON: what `JSON.stringify(a) === JSON.stringify(b)`
 * says for plain data (a key holding `undefined` counts as absent; map key order matters not),
 * but stopping at the first difference instead of writing both texts out at every level.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    if (a.length !== bs.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i] ?? null, bs[i] ?? null)) return false;
    return true;
  }
  const am = a as Record<string, unknown>;
  const bm = b as Record<string, unknown>;
  let count = 0;
  for (const k in am) {
    if (am[k] === undefined) continue;
    count++;
    if (bm[k] === undefined || !jsonEqual(am[k], bm[k])) return false;
  }
  for (const k in bm) if (bm[k] !== undefined) count--;
  return count === 0;
}
