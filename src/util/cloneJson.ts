/**
 * A deep copy of a plain JSON value (what YAML parsing gives, what the checker returns).
 * Several times faster than `structuredClone`, which also handles cycles, dates and maps
 * that these values never hold.
 */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = cloneJson((value as Record<string, unknown>)[key]);
  return copy as T;
}
