import { createHash } from 'crypto';

/**
 * A DNS-1123 label from parts, at most 63 characters: cut and suffixed with a short stable
 * hash when too long, so the same input always gives the same name.
 */
export function objectName(...parts: string[]): string {
  const full = parts
    .filter((p) => p.length > 0)
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (full.length <= 63) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, 54).replace(/-$/, '')}-${hash}`;
}
