/**
 * The `konghq.com/*` annotations that touch routing, read as KIC reads them
 * (internal/annotations/annotations.go@v3.5.13), and the validity patterns KIC applies
 * (kongstate/route.go@v3.5.13, subtranslator/ingress_atc.go@v3.5.13).
 */
import { KubeObject } from '../spec/types';

export const PREFIX = 'konghq.com/';

/** `^([a-zA-Z0-9]+(-[a-zA-Z0-9]+)*)+(\.([a-zA-Z0-9]+(-[a-zA-Z0-9]+)*))*$`: no wildcard, underscore or trailing dot (B12). */
export const VALID_SNI = /^([a-zA-Z0-9]+(-[a-zA-Z0-9]+)*)+(\.([a-zA-Z0-9]+(-[a-zA-Z0-9]+)*))*$/;
/** KIC's `validHosts`: an optional leading `*.` and an optional trailing `.*` (B13). */
export const VALID_HOST = /^(\*\.)?([a-zA-Z0-9]+(-[a-zA-Z0-9]+)*)+(\.([a-zA-Z0-9]+(-[a-zA-Z0-9]+)*))*?(\.\*)?$/;
export const VALID_METHOD = /^[A-Z]+$/;
/** KIC's `validPathHandling` is the unanchored `v\d`. */
export const VALID_PATH_HANDLING = /v\d/;
/** Protocols KIC accepts in `konghq.com/protocols` (`util.ValidateProtocol`). */
export const VALID_PROTOCOLS = new Set(['http', 'https', 'grpc', 'grpcs', 'tcp', 'tls', 'udp', 'tls_passthrough']);

export const annotationsOf = (o: KubeObject): Readonly<Record<string, string>> => {
  const a = o.metadata.annotations;
  if (!a || typeof a !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) if (typeof v === 'string') out[k] = v;
  return out;
};

/** `extractCommaDelimitedStrings`: split on commas, trim, drop empties. */
export function commaList(value: string | undefined, upper = false): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map((v) => (upper ? v.toUpperCase() : v));
}

export const methodsOf = (a: Readonly<Record<string, string>>) => commaList(a[`${PREFIX}methods`], true);
export const protocolsOf = (a: Readonly<Record<string, string>>) => commaList(a[`${PREFIX}protocols`]);

/** `ExtractSNIs`: the list, and whether the annotation is there at all. */
export function snisOf(a: Readonly<Record<string, string>>): { snis: string[]; exists: boolean } {
  const v = a[`${PREFIX}snis`];
  return { snis: commaList(v), exists: v !== undefined };
}

/** `ExtractHostAliases`: absent when missing or empty. */
export function hostAliasesOf(a: Readonly<Record<string, string>>): string[] | undefined {
  const v = a[`${PREFIX}host-aliases`];
  if (v === undefined || v === '') return undefined;
  return commaList(v);
}

/** `ExtractHeaders`: `konghq.com/headers.<name>: v1,v2` (separator `konghq.com/headers-separator`, default `,`). Sorted by name. */
export function headersOf(a: Readonly<Record<string, string>>): Record<string, string[]> | undefined {
  const sep = a[`${PREFIX}headers-separator`] ?? ',';
  const out: Record<string, string[]> = {};
  const prefix = `${PREFIX}headers.`;
  for (const key of Object.keys(a).sort()) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    const val = a[key];
    if (name === '' || val === '') continue;
    out[name] = val.split(sep).map((v) => v.trim());
  }
  return Object.keys(out).length ? out : undefined;
}

export const regexPriorityOf = (a: Readonly<Record<string, string>>) => a[`${PREFIX}regex-priority`];
export const pathHandlingOf = (a: Readonly<Record<string, string>>) => a[`${PREFIX}path-handling`];
export const regexPrefixOf = (a: Readonly<Record<string, string>>) => a[`${PREFIX}regex-prefix`];

/** Go's `strconv.Atoi`: an optional sign and decimal digits, within int64. */
export function atoi(v: string | undefined): number | undefined {
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Go's `strconv.ParseBool` (after KIC lower-cases the value). */
export function parseBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const s = v.toLowerCase();
  if (['1', 't', 'true'].includes(s)) return true;
  if (['0', 'f', 'false'].includes(s)) return false;
  return undefined;
}

/** The annotations of `konghq.com/*` that change how a route matches or is built, for findings about unknown values. */
export const ROUTING_ANNOTATIONS = [
  'methods',
  'snis',
  'host-aliases',
  'regex-priority',
  'path-handling',
  'protocols',
  'strip-path',
  'preserve-host',
  'https-redirect-status-code',
  'regex-prefix',
  'headers-separator',
] as const;
