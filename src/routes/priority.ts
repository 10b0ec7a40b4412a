/**
 * Route priorities as Kong computes them.
 *
 * - `traditional`: the sort of kong/router/traditional.lua@3.9.3 (ROUTES.md A3): category by
 *   field count and bits, then submatch weight, header count, regex_priority (regex paths only),
 *   longest plain path, created_at.
 * - `traditional_compatible` (and fields routes under `expressions` 3.7+): `get_priority` of
 *   kong/router/transform.lua@3.9.3 **as LuaJIT runs it** (A5-A8): `lshift_uint64` never makes a
 *   uint64, so the match weight, header count and regex_priority are shifted with 32-bit
 *   `bit.lshift` (count masked to 5 bits), and a negative 32-bit result turns into
 *   0x8000000000000000 when converted to uint64 on x86-64 (`lj_num2u64`, openresty/luajit2
 *   src/lj_obj.h:1013-1022; lib_bit.c `bit_band` converts every argument once one is a uint64).
 * - `expressions` routes: `bor(0xFF << 56, priority)` (transform.lua:540-562, A30).
 */
import { parse as parseUuid, v5 as uuidv5 } from 'uuid';
import { Version, atLeast } from '../model/version';
import { FieldsEntity } from './types';
import { pushTo } from '../util/multiMap';

/** LuaJIT `bit.tobit`: the number modulo 2^32 as a signed 32-bit integer. */
const tobit = (n: number) => n | 0;
/** LuaJIT `bit.lshift` on a Lua number: 32-bit, shift count masked to 5 bits (A5). */
export const lshift32 = (v: number, n: number) => (tobit(v) << (n & 31)) | 0;
/**
 * `lj_num2u64` on x86-64 (A7): a negative number gives 0x8000000000000000. That is LuaJIT's
 * interpreter; once the JIT compiles the priority loop (after ~56 routes in the oracle runs,
 * ../shared/kong-router) it sign-extends instead (0xFFFFFFFF8...), so on a real gateway the same
 * route can get either value, both at the top: the oracle tests run `luajit -joff`.
 */
export const num2u64 = (n: number): bigint => (n >= 0 ? BigInt(n) : 0x8000000000000000n);

const PLAIN_HOST_ONLY_BIT = 1n << 60n;
const REGEX_URL_BIT = 1n << 51n;
export const EXPRESSION_ONLY_BIT = 0xffn << 56n;
const MAX_HEADER_COUNT = 255;
const U64 = (1n << 64n) - 1n;

const isRegex = (p: string) => p.startsWith('~');

/**
 * `get_priority` for a fields route (after `split_routes_and_services_by_path`: all its paths
 * regex, or all plain of one length), as Kong 3.4-3.9 run it.
 */
export function compatPriority(r: Pick<FieldsEntity, 'hosts' | 'headers' | 'methods' | 'snis' | 'paths' | 'regex_priority'>): bigint {
  let weight = 0;
  if (r.methods?.length) weight++;
  if (r.hosts?.length) weight++;
  let headersCount = r.headers ? Object.keys(r.headers).length : 0;
  if (headersCount > 0) {
    weight++;
    headersCount = Math.min(headersCount, MAX_HEADER_COUNT);
  }
  if (r.snis?.length) weight++;
  const plainHostOnly = r.hosts !== undefined && r.hosts.every((h) => !h.includes('*'));
  let uriLength = 0;
  let regexUrl = false;
  if (r.paths?.length) {
    weight++;
    if (isRegex(r.paths[0])) regexUrl = true;
    else uriLength = r.paths[0].length;
  }
  return combine(weight, plainHostOnly, regexUrl, headersCount, regexUrl ? (r.regex_priority ?? 0) : 0, uriLength);
}

/** The `bor(...)` at the end of get_priority / route_priority, with LuaJIT's number and cdata rules. */
function combine(weight: number, plainHostOnly: boolean, regexUrl: boolean, headersCount: number, regexPriority: number, maxLength: number): bigint {
  const mw = lshift32(weight, 61);
  const hc = lshift32(headersCount, 52);
  const rp = lshift32(regexPriority, 19);
  const ml = maxLength & 0x7ffff;
  if (plainHostOnly || regexUrl) {
    // A uint64 cdata among the arguments: every argument is converted to uint64 (lj_num2u64).
    return (num2u64(mw) | (plainHostOnly ? PLAIN_HOST_ONLY_BIT : 0n) | (regexUrl ? REGEX_URL_BIT : 0n) | num2u64(hc) | num2u64(rp) | num2u64(ml)) & U64;
  }
  // Only Lua numbers: a 32-bit bor, converted to uint64 when handed to atc-router (A8).
  return num2u64(mw | hc | rp | ml);
}

/** Kong 3.0-3.3 `route_priority` (atc_compat.lua@3.0.0:300-365): one priority per route, max plain length, regex if any (A10). */
export function compatPriorityBefore34(r: Pick<FieldsEntity, 'hosts' | 'headers' | 'methods' | 'snis' | 'paths' | 'regex_priority'>): bigint {
  let weight = 0;
  if (r.methods?.length) weight++;
  if (r.hosts?.length) weight++;
  if (r.paths?.length) weight++;
  let headersCount = r.headers ? Object.keys(r.headers).length : 0;
  if (headersCount > 0) weight++;
  headersCount = Math.min(headersCount, MAX_HEADER_COUNT);
  if (r.snis?.length) weight++;
  const plainHostOnly = r.hosts !== undefined && r.hosts.every((h) => !h.includes('*'));
  let maxLen = 0;
  let regexUrl = false;
  for (const p of r.paths ?? []) {
    if (isRegex(p)) regexUrl = true;
    else maxLen = Math.max(maxLen, p.length);
  }
  return combine(weight, plainHostOnly, regexUrl, headersCount, regexUrl ? (r.regex_priority ?? 0) : 0, maxLen);
}

/** The namespace of the IDs Kong gives split routes (transform.lua@3.9.3 `uuid_generator`). */
const SPLIT_NAMESPACE = parseUuid('7f145bf9-0dce-4f91-98eb-debbce4b9f6b');
export const splitRouteId = (originalId: string, index: number) => uuidv5(`${originalId}#${index}`, SPLIT_NAMESPACE);

/**
 * `split_routes_and_services_by_path` (Kong >= 3.4, A10): paths grouped by regex (all regexes
 * together) or by length, in order of first appearance; one route per group, each with its
 * own ID, unless there is only one group.
 */
export function splitPathGroups(paths: readonly string[] | undefined): string[][] {
  if (!paths || paths.length <= 1) return [paths ? [...paths] : []];
  const groups = new Map<number, string[]>();
  for (const p of paths) {
    const k = isRegex(p) ? 0 : p.length;
    pushTo(groups, k, p);
  }
  return [...groups.values()];
}

/** One entry of the compatible router: a route (or a part of a split one) with its priority and ID. */
export interface CompatEntry {
  readonly paths: readonly string[] | undefined;
  readonly priority: bigint;
  readonly id: string;
}

/** The entries Kong's ATC router builds from a fields route. */
export function compatEntries(r: FieldsEntity, id: string, kong: Version, splitId: (id: string, i: number) => string = splitRouteId): CompatEntry[] {
  if (!atLeast(kong, '3.4')) return [{ paths: r.paths, priority: compatPriorityBefore34(r), id }];
  const groups = splitPathGroups(r.paths);
  if (groups.length === 1) return [{ paths: r.paths, priority: compatPriority(r), id }];
  return groups.map((paths, i) => ({ paths, priority: compatPriority({ ...r, paths }), id: splitId(id, i + 1) }));
}

/** `bor(EXPRESSION_ONLY_BIT, priority)`: an expression route outranks every fields route (A30). */
export const expressionPriority = (priority: number): bigint => (EXPRESSION_ONLY_BIT | BigInt(priority)) & U64;

/** The traditional router's sort key of one path entry (traditional.lua@3.9.3 marshall_route, sort_routes, A3). */
export interface TraditionalKey {
  readonly matchRules: number;
  readonly matchWeight: number;
  readonly submatchWeight: number;
  readonly headerCount: number;
  readonly regexPriority: number;
  readonly maxUriLength: number;
  readonly createdAt: number;
}

export const MATCH_RULES = { HOST: 0x40, HEADER: 0x20, URI: 0x10, METHOD: 0x08, SNI: 0x04 } as const;
export const SUBMATCH = { HAS_REGEX_URI: 0x01, PLAIN_HOSTS_ONLY: 0x02, HAS_WILDCARD_HOST_PORT: 0x04 } as const;

/** `sort_routes`: negative when `a` comes first. Equal keys return 0 (Lua's unstable sort decides: R6). */
export function compareTraditional(a: TraditionalKey, b: TraditionalKey): number {
  if (a.submatchWeight !== b.submatchWeight) return b.submatchWeight - a.submatchWeight;
  if (a.headerCount !== b.headerCount) return b.headerCount - a.headerCount;
  // "only regex path use regex_priority" (:690)
  if (a.submatchWeight & SUBMATCH.HAS_REGEX_URI && a.regexPriority !== b.regexPriority) return b.regexPriority - a.regexPriority;
  if (a.maxUriLength !== b.maxUriLength) return b.maxUriLength - a.maxUriLength;
  return a.createdAt - b.createdAt;
}

/** Same order without created_at: whether the traditional router has no reason to prefer one of the two. */
export const traditionalTie = (a: TraditionalKey, b: TraditionalKey) => compareTraditional({ ...a, createdAt: 0 }, { ...b, createdAt: 0 }) === 0;

/** `sort_categories`: more fields first, then the higher category bits. */
export function compareCategories(a: { matchWeight: number; bits: number }, b: { matchWeight: number; bits: number }): number {
  return b.matchWeight - a.matchWeight || b.bits - a.bits;
}

/** A priority as 0x-hex, for messages. */
export const hex = (p: bigint) => `0x${p.toString(16).padStart(16, '0')}`;
