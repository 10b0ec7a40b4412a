/**
 * Shared test data for the route report: Kong fields routes built by hand (the scenarios of
 * ROUTES.md), Kubernetes routing objects, and the Kong-router oracle (../shared/kong-router).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseVersion } from '../../src/model/version';

export const KONG_39 = parseVersion('3.9.3')!;
export const KIC_34 = parseVersion('3.4.0')!;

export interface OracleRoute {
  name: string;
  id: string;
  hosts?: string[];
  paths?: string[];
  methods?: string[];
  headers?: Record<string, string[]>;
  regex_priority?: number;
  snis?: string[];
}

export interface OracleRequest {
  method: string;
  host: string;
  path: string;
  headers?: Record<string, string>;
}

/** A Kong fields route as KongRoute, with the id the oracle uses. */
export function kongRoute(r: OracleRoute, order: number) {
  const entity: Record<string, unknown> = { name: r.name };
  for (const k of ['hosts', 'paths', 'methods', 'headers', 'snis', 'regex_priority'] as const) if (r[k] !== undefined) entity[k] = r[k];
  return { id: r.id, shape: 'fields' as const, entity: entity as never, kind: 'Ingress' as const, stream: false, parts: [{ unit: r.name, ...(r.paths ? { paths: r.paths } : {}) }], order };
}

export const toHttp = (q: OracleRequest) => ({ method: q.method, host: q.host, path: q.path, headers: Object.fromEntries(Object.entries(q.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])), scheme: 'http' as const });

/** Where the Kong-router oracle lives, or undefined when ../shared is absent (CI's clean clone). */
export const ORACLE_DIR = path.resolve(__dirname, '../../../shared/kong-router');
export const sharedPresent = fs.existsSync(path.join(ORACLE_DIR, 'judge.lua'));

/** Whether luajit with lrexlib-pcre2 and cjson can run the oracle. */
export function luajitMissing(): string | undefined {
  const r = spawnSync('luajit', ['-e', 'require("rex_pcre2"); require("cjson")'], { encoding: 'utf8' });
  if (r.error) return `luajit is not installed (${(r.error as NodeJS.ErrnoException).code}): .ci/run installs luajit lua-rex-pcre2 lua-cjson`;
  if (r.status !== 0) return `luajit cannot load rex_pcre2/cjson: ${r.stderr.trim()}`;
  return undefined;
}

/** Kong 3.9.3's own router code's winners (judge.lua) for the routes and requests. */
export function oracle(routes: OracleRoute[], requests: OracleRequest[]): { traditional: string | null; traditional_compatible: string | null }[] {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kong-router-')), 'in.json');
  fs.writeFileSync(file, JSON.stringify({ routes, requests }));
  try {
    // -joff: the interpreter's number-to-uint64 conversion (ROUTES.md A7). With the JIT on, LuaJIT
    // compiles the priority loop after ~56 iterations and then sign-extends negative shifts
    // instead (0xFFFFFFFF8...), so the same route can get either value: see the README.
    return JSON.parse(execFileSync('luajit', ['-joff', path.join(ORACLE_DIR, 'judge.lua'), file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** The oracle's stand-in for the IDs Kong gives split routes (stubs.lua resty.jit-uuid). */
export const oracleSplitId = (id: string, i: number) => `split-${id}#${i}`;

const id = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;

/** A scenario of ROUTES.md: Kong routes, a request, and the winners under each flavor. */
export interface Scenario {
  readonly name: string;
  readonly facts: string;
  readonly routes: OracleRoute[];
  readonly request: OracleRequest;
  readonly traditional: string | null;
  readonly traditional_compatible: string | null;
}

/** S1-S11 as Kong route sets (S12 needs KIC's translators: see scenarios.test.ts). */
export const SCENARIOS: Scenario[] = [
  {
    name: 'S1: a plain-host route with fewer fields beats a host-less route with more fields',
    facts: 'A5, A6, R1',
    routes: [
      { name: 'X-host', id: id(1), hosts: ['a.test'], paths: ['/api'] },
      { name: 'Y-more-fields', id: id(2), paths: ['/api'], methods: ['GET'], headers: { 'x-env': ['prod'] } },
    ],
    request: { method: 'GET', host: 'a.test', path: '/api/x', headers: { 'x-env': 'prod' } },
    traditional: 'Y-more-fields',
    traditional_compatible: 'X-host',
  },
  {
    name: 'S2: hosts+~/api/.* beats hosts+/api/v1+GET',
    facts: 'A5, A6, R2',
    routes: [
      { name: 'X-regex', id: id(1), hosts: ['a.test'], paths: ['~/api/.*'] },
      { name: 'Y-plain-GET', id: id(2), hosts: ['a.test'], paths: ['/api/v1'], methods: ['GET'] },
    ],
    request: { method: 'GET', host: 'a.test', path: '/api/v1' },
    traditional: 'Y-plain-GET',
    traditional_compatible: 'X-regex',
  },
  {
    name: 'S3: regex_priority -10 sends ~/.* to the top under compat',
    facts: 'A7, R3',
    routes: [
      { name: 'X-negative', id: id(1), paths: ['~/.*'], regex_priority: -10 },
      { name: 'Y-api', id: id(2), paths: ['~/api/.*'], regex_priority: 0 },
    ],
    request: { method: 'GET', host: 'a.test', path: '/api/x' },
    traditional: 'Y-api',
    traditional_compatible: 'X-negative',
  },
  {
    name: 'S4: regex_priority 5000 does the same',
    facts: 'A7, R3',
    routes: [
      { name: 'X-5000', id: id(1), paths: ['~/.*'], regex_priority: 5000 },
      { name: 'Y-api', id: id(2), hosts: ['a.test'], paths: ['~/api/.*'], regex_priority: 0 },
    ],
    request: { method: 'GET', host: 'a.test', path: '/api/x' },
    traditional: 'Y-api',
    traditional_compatible: 'X-5000',
  },
  {
    name: 'S5: regex_priority 4 + 1 header outranks 2 headers',
    facts: 'A5, R4',
    routes: [
      { name: 'X-rp4-1h', id: id(1), paths: ['~/api/.*'], headers: { a: ['1'] }, regex_priority: 4 },
      { name: 'Y-2h', id: id(2), paths: ['~/api/v.*'], headers: { a: ['1'], b: ['2'] } },
    ],
    request: { method: 'GET', host: 'a.test', path: '/api/v1', headers: { a: '1', b: '2' } },
    traditional: 'Y-2h',
    traditional_compatible: 'X-rp4-1h',
  },
  {
    name: 'S6: four fields, no plain host, no regex: the larger UUID decides under compat',
    facts: 'A8, R5',
    routes: [
      { name: 'X-1h-larger-uuid', id: 'ffffffff-0000-0000-0000-000000000001', hosts: ['*.test'], paths: ['/api'], methods: ['GET'], headers: { a: ['1'] } },
      { name: 'Y-2h', id: id(2), hosts: ['*.test'], paths: ['/api'], methods: ['GET'], headers: { a: ['1'], b: ['2'] } },
    ],
    request: { method: 'GET', host: 'a.test', path: '/api', headers: { a: '1', b: '2' } },
    traditional: 'Y-2h',
    traditional_compatible: 'X-1h-larger-uuid',
  },
  {
    name: 'S7: ~*^Prod$ never matches under traditional',
    facts: 'A19, A20, R15',
    routes: [
      { name: 'X-regex-header', id: id(1), hosts: ['a.test'], headers: { 'x-env': ['~*^Prod$'] } },
      { name: 'Y-host', id: id(2), hosts: ['a.test'] },
    ],
    request: { method: 'GET', host: 'a.test', path: '/', headers: { 'x-env': 'Prod' } },
    traditional: 'Y-host',
    traditional_compatible: 'X-regex-header',
  },
  {
    name: 'S8: \\D becomes \\d once compat lower-cases the pattern',
    facts: 'A20, R15',
    routes: [
      { name: 'X-non-digits', id: id(1), hosts: ['a.test'], headers: { 'x-id': ['~*^\\D+$'] } },
      { name: 'Y-host', id: id(2), hosts: ['a.test'] },
    ],
    request: { method: 'GET', host: 'a.test', path: '/', headers: { 'x-id': 'abc' } },
    traditional: 'X-non-digits',
    traditional_compatible: 'Y-host',
  },
  {
    name: 'S9: ~* among several values is a regex only under compat',
    facts: 'A19, A20, R15',
    routes: [
      { name: 'X-two-values', id: id(1), hosts: ['a.test'], headers: { 'x-env': ['~*^pr', 'dev'] } },
      { name: 'Y-host', id: id(2), hosts: ['a.test'] },
    ],
    request: { method: 'GET', host: 'a.test', path: '/', headers: { 'x-env': 'prod' } },
    traditional: 'Y-host',
    traditional_compatible: 'X-two-values',
  },
  {
    name: 'S10 (not described in ROUTES.md; taken as the A9 tie): identical routes, oldest under traditional, larger UUID under compat',
    facts: 'A9, R6',
    routes: [
      { name: 'X-older', id: id(1), hosts: ['a.test'], paths: ['/api'] },
      { name: 'Y-larger-uuid', id: id(2), hosts: ['a.test'], paths: ['/api'] },
    ],
    request: { method: 'GET', host: 'a.test', path: '/api' },
    traditional: 'X-older',
    traditional_compatible: 'Y-larger-uuid',
  },
  {
    name: "S11: another host's regex_priority hijacks the traditional reducer (Kong#9529)",
    facts: 'A11, R7',
    routes: [
      { name: 'R1-a-rp5', id: id(1), hosts: ['a.com'], paths: ['~/api/.*'], regex_priority: 5 },
      { name: 'R2-a-v1', id: id(2), hosts: ['a.com'], paths: ['~/api/v1/.*'] },
      { name: 'R3-b-rp10', id: id(3), hosts: ['b.com'], paths: ['~/api/v1/.*'], regex_priority: 10 },
      { name: 'R4-a-other', id: id(4), hosts: ['a.com'], paths: ['~/zzz'] },
    ],
    request: { method: 'GET', host: 'a.com', path: '/api/v1/x' },
    traditional: 'R2-a-v1',
    traditional_compatible: 'R1-a-rp5',
  },
];
