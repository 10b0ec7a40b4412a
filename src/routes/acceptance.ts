/**
 * Whether a gateway of a flavor accepts a Kong route's content (the route shape itself is the
 * planner's business, DOMAIN.md §1): Kong's route schema (kong/db/schema/entities/routes.lua,
 * typedefs.lua@3.9.3) and, under the ATC flavors, atc-router's validation of the expression
 * (ROUTES.md A12-A14, A24, A28-A30). In DB-less mode one refused route makes the gateway
 * refuse the whole configuration.
 */
import { Flavor } from '../model/flavor';
import { Version, atLeast } from '../model/version';
import { predicates } from './expression';
import { atcPathRegex, pcreProblem, rustRegexProblem } from './regex';
import { hasMatchFields } from './traditionalRouter';
import { KongRoute, isExpressionEntity } from './types';

/** Why Kong would refuse a route, with the fact it rests on and the rule that names it. */
export interface Refusal {
  readonly reason: string;
  readonly rule: string;
  readonly facts: string;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** `validate_path_with_regexes` and `router_path` (typedefs.lua@3.9.3:500-609): shared by every flavor (A13, A14). */
function pathRefusals(path: string): Refusal[] {
  const out: Refusal[] = [];
  if (!path.startsWith('/') && !path.startsWith('~/')) out.push({ reason: `path "${path}" must start with / (fixed path) or ~/ (regex path)`, rule: 'R23', facts: 'A14' });
  if (path.includes('//')) out.push({ reason: `path "${path}" must not have empty segments (//)`, rule: 'R23', facts: 'A14' });
  const badPercent = /%(?![0-9A-Fa-f]{2})/.test(path);
  if (badPercent) out.push({ reason: `path "${path}" has a % not followed by two hex digits`, rule: 'R23', facts: 'A14' });
  if (path.startsWith('~')) {
    const pcre = badPercent ? undefined : pcreProblem(path.slice(1));
    if (pcre) out.push({ reason: `regex "${path.slice(1)}" does not compile in PCRE: ${pcre}`, rule: 'R22', facts: 'A13' });
  } else if (!badPercent) {
    // Plain paths must be normalized: no percent-encoded unreserved character (Kong >= 3.1, A14).
    const enc = /%([0-9A-Fa-f]{2})/g;
    let m: RegExpExecArray | null;
    while ((m = enc.exec(path))) {
      if (UNRESERVED.test(String.fromCharCode(parseInt(m[1], 16)))) {
        out.push({ reason: `path "${path}" is not normalized (%${m[1]} encodes an unreserved character)`, rule: 'R23', facts: 'A14' });
        break;
      }
    }
  }
  return out;
}

/** Why a gateway of `flavor` on `kong` refuses `route`; empty when it accepts it. */
export function refusals(route: KongRoute, flavor: Flavor, kong: Version): Refusal[] {
  const e = route.entity;
  const out: Refusal[] = [];
  const atc = flavor !== 'traditional';
  if (isExpressionEntity(e)) {
    // KIC puts the path text inside the expression: no path schema, only atc-router's validation (A14, R23).
    for (const p of predicates(route.expr)) {
      if (p.op !== '~') continue;
      const problem = rustRegexProblem(p.value, kong);
      if (problem) out.push({ reason: `${p.field} regex "${p.value}" does not compile in Rust regex: ${problem}`, rule: 'R22', facts: 'A12, A13' });
    }
    return out;
  }
  if (!route.stream && !hasMatchFields(e)) {
    out.push({ reason: 'it has none of methods, hosts, headers, paths, snis (Kong needs one for http routes)', rule: 'KIC', facts: 'A3' });
  }
  for (const p of e.paths ?? []) {
    out.push(...pathRefusals(p));
    if (atc && p.startsWith('~/') && !pcreProblem(p.slice(1))) {
      const problem = rustRegexProblem(atcPathRegex(p), kong);
      if (problem) out.push({ reason: `regex "${p.slice(1)}" does not compile in Rust regex (atc-router): ${problem}`, rule: 'R22', facts: 'A12, A13' });
    }
  }
  if (atc) {
    for (const [name, values] of Object.entries(e.headers ?? {})) {
      for (const v of values) {
        if (!v.startsWith('~*')) continue;
        const problem = rustRegexProblem(v.slice(2).toLowerCase(), kong);
        if (problem) out.push({ reason: `header ${name} regex "${v.slice(2)}" (lower-cased by Kong) does not compile in Rust regex: ${problem}`, rule: 'R22', facts: 'A12, A20' });
      }
    }
  }
  const wildcardSnis = (e.snis ?? []).filter((s) => s.includes('*'));
  if (wildcardSnis.length && (flavor === 'traditional' || !atLeast(kong, '3.7'))) {
    out.push({
      reason: `wildcard SNIs ${wildcardSnis.join(', ')} are refused by the ${flavor === 'traditional' ? 'traditional flavor' : `route schema of Kong ${kong.raw}`} (typedefs.sni)`,
      rule: 'R24',
      facts: 'A24',
    });
  }
  const protocols = e.protocols?.length ? e.protocols : ['http', 'https'];
  if (e.snis?.length && protocols.every((p) => !['grpcs', 'https', 'tls', 'tls_passthrough'].includes(p))) {
    out.push({ reason: "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'", rule: 'KIC', facts: 'A24' });
  }
  return out;
}

/**
 * Why a gateway of `flavor` refuses each route of a whole configuration: each route's own
 * refusals, and what the configuration as a whole breaks: route names are unique (Kong's
 * declarative config answers "uniqueness violation: 'routes' entity with name set to ... already
 * declared", kong/db/schema/others/declarative_config.lua@3.9.3), so a repeated name refuses it.
 */
export function configurationRefusals(routes: readonly KongRoute[], flavor: Flavor, kong: Version): Map<KongRoute, Refusal[]> {
  const out = new Map<KongRoute, Refusal[]>();
  const byName = new Map<string, KongRoute[]>();
  for (const r of routes) {
    const own = refusals(r, flavor, kong);
    if (own.length) out.set(r, own);
    const same = byName.get(r.entity.name);
    if (same) same.push(r);
    else byName.set(r.entity.name, [r]);
  }
  for (const [name, same] of byName) {
    if (same.length < 2) continue;
    const reason = {
      reason: `route name ${name} is declared ${same.length} times (Kong: "uniqueness violation: 'routes' entity with name set to '${name}' already declared")`,
      rule: 'KIC',
      facts: 'B14',
    };
    for (const r of same.slice(1)) out.set(r, [...(out.get(r) ?? []), reason]);
  }
  return out;
}
