/**
 * A port of Kong's `traditional` router (kong/router/traditional.lua@3.9.3, HTTP subsystem):
 * routes split per path and sorted (ROUTES.md A3), grouped in categories by the fields they
 * set, and a request first looked up in the global indexes (the first regex path in the sorted
 * list that matches becomes `hits.uri`, A11), then matched category by category against the
 * reduced candidate set and then against the whole category.
 */
import { MATCH_RULES, SUBMATCH, TraditionalKey, compareCategories, compareTraditional, traditionalTie } from './priority';
import { literalPrefix, pcreRegExp } from './regex';
import { pushTo } from '../util/multiMap';
import { HttpRequest, Router, Selection } from './request';
import { FieldsEntity, KongRoute, isExpressionEntity } from './types';

interface UriT {
  readonly isPrefix: boolean;
  /** Prefix: the path; regex: the pattern without `~`. */
  readonly value: string;
  /** Regex paths: Kong's anchored PCRE match (`"ajo"`, A12). */
  readonly test?: (path: string) => boolean;
}

interface HostT {
  readonly value: string;
  readonly wildcard: boolean;
  /** Wildcard hosts: whether the host (and `host:port`) matches Kong's regex for it. */
  readonly test?: (host: string, hostWithPort: string) => boolean;
}

interface HeaderT {
  readonly name: string;
  readonly values: ReadonlySet<string>;
  /** `~*` pattern, only when the header lists exactly one value (A19): unanchored, not lower-cased. */
  readonly pattern?: (value: string) => boolean;
}

/** A PCRE pattern as a test (false when this tool cannot evaluate it, as Kong's match would fail to compile). */
function pcreTest(pattern: string, anchored: boolean): (text: string) => boolean {
  // Compiled on first use: most routes' regexes are never tried against a request.
  let test: ((text: string) => boolean) | undefined;
  return (text) => {
    if (!test) {
      const re = pcreRegExp(pattern, anchored);
      test = typeof re === 'string' ? () => false : (t) => re.test(t);
    }
    return test(text);
  };
}

/**
 * Kong's wildcard host regex (traditional.lua@3.9.3:337-345: `*` -> `.+`, an optional port
 * unless the host has one, matched against `host:port`), with fast paths for the two shapes
 * Kong's schema allows (`*.x` leftmost, `x.*` rightmost) that give the same answers.
 */
function wildcardTest(h: string): (host: string, hostWithPort: string) => boolean {
  const star = h.indexOf('*');
  const hasPort = /:\d+$/.test(h);
  if (!hasPort && star === 0 && h.indexOf('*', 1) < 0) {
    const suffix = h.slice(1);
    return (host) => host.length > suffix.length && host.endsWith(suffix);
  }
  if (!hasPort && star === h.length - 1) {
    const prefix = h.slice(0, -1);
    return (_host, hostWithPort) => hostWithPort.length > prefix.length && hostWithPort.startsWith(prefix);
  }
  let regex = h.replace(/\./g, '\\.').replace(/\*/g, '.+') + '$';
  if (!hasPort) regex = regex.replace(/\$$/, '(?::\\d+)?$');
  const test = pcreTest(regex, true);
  return (_host, hostWithPort) => test(hostWithPort);
}

interface RouteT {
  readonly route: KongRoute;
  /** Position in the sorted list. */
  rank: number;
  readonly path?: string;
  readonly matchRules: number;
  readonly key: TraditionalKey;
  readonly hosts: readonly HostT[];
  readonly plainHosts: ReadonlySet<string>;
  readonly headers: readonly HeaderT[];
  /** One path at most: Kong splits routes per path. */
  readonly uris: readonly UriT[];
  readonly methods: ReadonlySet<string>;
  readonly snis: ReadonlySet<string>;
}

interface Category {
  readonly bits: number;
  readonly matchWeight: number;
  readonly byHost: Map<string, RouteT[]>;
  readonly byHeader: Map<string, RouteT[]>;
  readonly byUri: Map<string, RouteT[]>;
  readonly byMethod: Map<string, RouteT[]>;
  readonly bySni: Map<string, RouteT[]>;
  readonly all: RouteT[];
  /** Routes by each of their wildcard hosts (HOST categories): with `byHost`, every route a host can match. */
  readonly byWildcard: Map<string, RouteT[]>;
}

/** Whether Kong can categorize the route at all (`marshall_route` needs one of these fields). */
export const hasMatchFields = (r: FieldsEntity) => !!(r.hosts?.length || r.headers || r.methods?.length || r.paths?.length || r.snis?.length);

/**
 * `marshall_route`, once per path of the route (Kong splits routes with several paths, A3): the
 * hosts, headers, methods and SNIs are read once and shared by the entries.
 */
function marshall(route: KongRoute, r: FieldsEntity): RouteT[] {
  let matchRules = 0;
  let matchWeight = 0;
  let submatch = 0;
  const hosts: HostT[] = [];
  const plainHosts = new Set<string>();
  if (r.hosts) {
    let wild = false;
    let wildPort = false;
    for (const h of r.hosts) {
      if (h.includes('*')) {
        wild = true;
        if (/:\d+$/.test(h)) wildPort = true;
        hosts.push({ value: h, wildcard: true, test: wildcardTest(h) });
      } else {
        hosts.push({ value: h, wildcard: false });
        plainHosts.add(h);
      }
    }
    if (hosts.length) {
      matchRules |= MATCH_RULES.HOST;
      matchWeight++;
    }
    // An empty hosts list still counts as "plain hosts only" (traditional.lua:395-397).
    if (!wild) submatch |= SUBMATCH.PLAIN_HOSTS_ONLY;
    if (wildPort) submatch |= SUBMATCH.HAS_WILDCARD_HOST_PORT;
  }
  const headers: HeaderT[] = [];
  for (const [rawName, values] of Object.entries(r.headers ?? {})) {
    const name = rawName.toLowerCase();
    if (name === 'host') continue;
    const pattern = values.length === 1 && values[0].startsWith('~*') ? values[0].slice(2) : undefined;
    headers.push({ name, values: new Set(values.map((v) => v.toLowerCase())), ...(pattern !== undefined ? { pattern: pcreTest(pattern, false) } : {}) });
  }
  if (headers.length) {
    matchRules |= MATCH_RULES.HEADER;
    matchWeight++;
  }
  const methods = new Set((r.methods ?? []).map((m) => m.toUpperCase()));
  if (methods.size) {
    matchRules |= MATCH_RULES.METHOD;
    matchWeight++;
  }
  const snis = new Set((r.snis ?? []).map((s) => (s.length > 1 && s.endsWith('.') ? s.slice(0, -1) : s)));
  if (snis.size) {
    matchRules |= MATCH_RULES.SNI;
    matchWeight++;
  }
  const entry = (path: string | undefined): RouteT => {
    let rules = matchRules;
    let weight = matchWeight;
    let sub = submatch;
    let maxUriLength = 0;
    const uris: UriT[] = [];
    if (path !== undefined) {
      rules |= MATCH_RULES.URI;
      weight++;
      const u: UriT = path.startsWith('~') ? { isPrefix: false, value: path.slice(1), test: pcreTest(path.slice(1), true) } : { isPrefix: true, value: path };
      if (u.isPrefix) maxUriLength = path.length;
      else sub |= SUBMATCH.HAS_REGEX_URI;
      uris.push(u);
    }
    return {
      route,
      rank: 0,
      ...(path !== undefined ? { path } : {}),
      matchRules: rules,
      key: { matchRules: rules, matchWeight: weight, submatchWeight: sub, headerCount: headers.length, regexPriority: r.regex_priority ?? 0, maxUriLength, createdAt: route.order },
      hosts,
      plainHosts,
      headers,
      uris,
      methods,
      snis,
    };
  };
  return r.paths?.length ? r.paths.map(entry) : [entry(undefined)];
}

interface Ctx {
  readonly req: HttpRequest;
  readonly hostWithPort: string;
  readonly sni: string;
  hitHost?: string;
  /** The wildcard host values that match the request. */
  wildHits: readonly string[];
  hitUri?: string;
  hitHeader?: string;
}

function matchRoute(t: RouteT, ctx: Ctx): boolean {
  const req = ctx.req;
  if (t.matchRules & MATCH_RULES.HOST) {
    let ok = t.plainHosts.has(ctx.hitHost ?? req.host) || t.plainHosts.has(req.host);
    if (!ok) ok = t.hosts.some((h) => h.wildcard && ctx.wildHits.includes(h.value));
    if (!ok) return false;
  }
  if (t.matchRules & MATCH_RULES.HEADER) {
    for (const h of t.headers) {
      const v = req.headers[h.name];
      if (v === undefined) return false;
      const lv = v.toLowerCase();
      // A19: values compared lower-cased; the pattern is not lower-cased and runs unanchored.
      if (!h.values.has(lv) && !(h.pattern !== undefined && h.pattern(lv))) return false;
    }
  }
  if (t.matchRules & MATCH_RULES.URI) {
    if (req.path === '') return false;
    const key = ctx.hitUri ?? req.path;
    const indexed = t.uris.some((u) => u.value === key);
    // A regex keyed by the hit that does not match falls through to "plain or prefix match from the index" (:1016-1035).
    if (!indexed) {
      const ok = t.uris.some((u) => (u.isPrefix ? req.path.startsWith(u.value) : u.test!(req.path)));
      if (!ok) return false;
    }
  }
  if (t.matchRules & MATCH_RULES.METHOD && !t.methods.has(req.method)) return false;
  if (t.matchRules & MATCH_RULES.SNI && !(req.scheme === 'http' || t.snis.has(ctx.sni))) return false;
  return true;
}

export interface TraditionalRouter extends Router {
  /** The route entries in Kong's sorted order (for tests and for tie detection). */
  readonly sorted: readonly { readonly route: KongRoute; readonly path?: string; readonly key: TraditionalKey }[];
}

/** The traditional router over the fields routes among `routes` (HTTP only). */
export function traditionalRouter(routes: readonly KongRoute[]): TraditionalRouter {
  const marshalled: RouteT[] = [];
  for (const route of routes) {
    if (route.stream || isExpressionEntity(route.entity) || !hasMatchFields(route.entity)) continue;
    marshalled.push(...marshall(route, route.entity));
  }
  // Lua's sort is not stable; created_at decides, and the input order stands in for equal keys.
  const sorted = marshalled.map((t, i) => ({ t, i })).sort((a, b) => compareTraditional(a.t.key, b.t.key) || a.i - b.i).map((x) => x.t);
  sorted.forEach((t, i) => (t.rank = i));
  const categories = new Map<number, Category>();
  const plainHostIndex = new Set<string>();
  const headerNames: string[] = [];
  const plainUris = new Set<string>();
  const regexUris: { value: string; order: number; test: (path: string) => boolean }[] = [];
  const regexSeen = new Set<string>();
  /** Distinct wildcard hosts in the order Kong lists them (first appearance in the sorted routes). */
  const wildcardHosts = new Map<string, HostT>();
  const methodIndex = new Set<string>();
  const sniIndex = new Set<string>();
  for (const t of sorted) {
    let c = categories.get(t.matchRules);
    if (!c) {
      c = { bits: t.matchRules, matchWeight: t.key.matchWeight, byHost: new Map(), byHeader: new Map(), byUri: new Map(), byMethod: new Map(), bySni: new Map(), all: [], byWildcard: new Map() };
      categories.set(t.matchRules, c);
    }
    c.all.push(t);
    for (const h of t.hosts) if (h.wildcard) pushTo(c.byWildcard, h.value, t);
    for (const h of t.hosts) pushTo(c.byHost, h.value, t);
    for (const h of t.headers) pushTo(c.byHeader, h.name, t);
    for (const u of t.uris) pushTo(c.byUri, u.value, t);
    for (const m of t.methods) pushTo(c.byMethod, m, t);
    for (const s of t.snis) pushTo(c.bySni, s, t);
    for (const h of t.hosts) {
      if (!h.wildcard) plainHostIndex.add(h.value);
      else if (!wildcardHosts.has(h.value)) wildcardHosts.set(h.value, h);
    }
    // Kong walks its header-name index with pairs() (traditional.lua find_match): with routes that name
    // several headers, which name a request hits first depends on LuaJIT's hash order. Here it is the
    // order of first appearance in the sorted routes (the oracle tests give each route one header name).
    for (const h of t.headers) if (!headerNames.includes(h.name)) headerNames.push(h.name);
    for (const u of t.uris) {
      if (u.isPrefix) plainUris.add(u.value);
      // One entry per distinct regex: only the first matching value matters (hits.uri).
      else if (!regexSeen.has(u.value)) {
        regexSeen.add(u.value);
        regexUris.push({ value: u.value, order: regexUris.length, test: u.test! });
      }
    }
    for (const m of t.methods) methodIndex.add(m);
    for (const s of t.snis) sniIndex.add(s);
  }
  /** The longest prefix path of the router that starts `path` (Kong walks its prefix list longest first). */
  const prefixLengths = [...new Set([...plainUris].map((u) => u.length))].sort((a, b) => b - a);
  const longestPrefix = (path: string): string | undefined => {
    for (const k of prefixLengths) {
      if (k > path.length) continue;
      const p = path.slice(0, k);
      if (plainUris.has(p)) return p;
    }
    return undefined;
  };
  const catsSorted = [...categories.values()].sort(compareCategories);
  const lookup = new Map(catsSorted.map((c, i) => [c.bits, i]));
  // The first matching regex of the global list, found through an index of literal prefixes.
  const regexByPrefix = new Map<string, (typeof regexUris)[number][]>();
  for (const u of regexUris) pushTo(regexByPrefix, literalPrefix(u.value), u);

  const regexPrefixLengths = [...new Set([...regexByPrefix.keys()].map((k) => k.length))].sort((a, b) => a - b);
  const firstRegexHit = (path: string): string | undefined => {
    const candidates: (typeof regexUris)[number][] = [];
    for (const k of regexPrefixLengths) {
      if (k > path.length) break;
      const l = regexByPrefix.get(path.slice(0, k));
      if (l) candidates.push(...l);
    }
    if (candidates.length > 1) candidates.sort((a, b) => a.order - b.order);
    return candidates.find((u) => u.test(path))?.value;
  };

  const reduce = (c: Category, ctx: Ctx): RouteT[] | undefined => {
    let smallest: RouteT[] | undefined;
    const consider = (list: RouteT[] | undefined) => {
      if (list !== undefined && (smallest === undefined || list.length < smallest.length)) smallest = list;
    };
    if (c.bits & MATCH_RULES.HOST) consider(c.byHost.get(ctx.hitHost ?? ctx.req.host));
    if (c.bits & MATCH_RULES.HEADER) {
      const l = ctx.hitHeader !== undefined ? c.byHeader.get(ctx.hitHeader) : undefined;
      if (l !== undefined) return l;
    }
    if (c.bits & MATCH_RULES.URI) consider(ctx.hitUri !== undefined ? c.byUri.get(ctx.hitUri) : undefined);
    if (c.bits & MATCH_RULES.METHOD) consider(c.byMethod.get(ctx.req.method));
    if (c.bits & MATCH_RULES.SNI) consider(c.bySni.get(ctx.sni));
    return smallest;
  };

  /**
   * The routes of a category the request can match, in sorted order: Kong scans the whole
   * category, but in a HOST category only the routes with the request's plain host or a
   * wildcard host can match, so the scan is limited to them (same first match, less work).
   */
  const scopes = new Map<Category, Map<string, RouteT[]>>();
  const scope = (c: Category, ctx: Ctx): RouteT[] => {
    if (!(c.bits & MATCH_RULES.HOST)) return c.all;
    // A function of host and port alone (its plain list and the wildcards it matches): remembered.
    let byHost = scopes.get(c);
    if (!byHost) scopes.set(c, (byHost = new Map()));
    let list = byHost.get(ctx.hostWithPort);
    if (!list) byHost.set(ctx.hostWithPort, (list = hostScope(c, ctx)));
    return list;
  };
  const hostScope = (c: Category, ctx: Ctx): RouteT[] => {
    const lists: RouteT[][] = [];
    const plain = c.byHost.get(ctx.req.host);
    if (plain) lists.push(plain);
    for (const w of ctx.wildHits) {
      const l = c.byWildcard.get(w);
      if (l) lists.push(l);
    }
    if (lists.length <= 1) return lists[0] ?? [];
    return [...new Set(lists.flat())].sort((a, b) => a.rank - b.rank);
  };

  const memberSets = new WeakMap<RouteT[], Set<RouteT>>();
  const memberSet = (list: RouteT[]) => {
    let set = memberSets.get(list);
    if (!set) memberSets.set(list, (set = new Set(list)));
    return set;
  };

  const byRoute = new Map<KongRoute, RouteT[]>();
  for (const t of sorted) pushTo(byRoute, t.route, t);
  const wildHitsByHost = new Map<string, string[]>();
  const contextOf = (req: HttpRequest): Ctx => {
    const hostWithPort = `${req.host}:${req.scheme === 'https' ? 443 : 80}`;
    let wildHits = wildHitsByHost.get(hostWithPort);
    if (!wildHits) {
      wildHits = [];
      for (const h of wildcardHosts.values()) if (h.test!(req.host, hostWithPort)) wildHits.push(h.value);
      wildHitsByHost.set(hostWithPort, wildHits);
    }
    return { req, hostWithPort, sni: req.scheme === 'https' ? req.host : '', wildHits };
  };
  return {
    matches(route: KongRoute, req: HttpRequest): boolean {
      const ctx = contextOf(req);
      return (byRoute.get(route) ?? []).some((t) => matchRoute(t, ctx));
    },
    sorted: sorted.map((t) => ({ route: t.route, ...(t.path !== undefined ? { path: t.path } : {}), key: t.key })),
    select(req: HttpRequest): Selection | undefined {
      const ctx = contextOf(req);
      let cat = 0;
      for (const name of headerNames) {
        if (req.headers[name] !== undefined && ctx.hitHeader === undefined) {
          ctx.hitHeader = name;
          cat |= MATCH_RULES.HEADER;
        }
      }
      if (plainHostIndex.has(ctx.hostWithPort) || plainHostIndex.has(req.host)) cat |= MATCH_RULES.HOST;
      else if (ctx.wildHits.length) {
        ctx.hitHost = ctx.wildHits[0];
        cat |= MATCH_RULES.HOST;
      }
      if (regexUris.length) {
        const hit = firstRegexHit(req.path);
        if (hit !== undefined) {
          ctx.hitUri = hit;
          cat |= MATCH_RULES.URI;
        }
      }
      if (plainUris.size && ctx.hitUri === undefined) {
        if (plainUris.has(req.path)) {
          ctx.hitUri = req.path;
          cat |= MATCH_RULES.URI;
        } else {
          const p = longestPrefix(req.path);
          if (p !== undefined) {
            ctx.hitUri = p;
            cat |= MATCH_RULES.URI;
          }
        }
      }
      if (methodIndex.has(req.method)) cat |= MATCH_RULES.METHOD;
      // Plain HTTP has no SNI, so it never hits this index: a route with `snis` sits in a category the
      // walk below starts after whenever another route has exactly the request's category, and plain
      // HTTP then misses it although match_route would ignore its SNIs (ROUTES.md A24 holds only inside
      // the walk). Checked against Kong 3.9.3's traditional.lua under LuaJIT (../shared/kong-router):
      // {a.test, /, GET, snis a.test} and {a.test, /api, GET}: GET a.test/ -> no route.
      if (sniIndex.has(ctx.sni)) cat |= MATCH_RULES.SNI;
      if (cat === 0) return undefined;
      for (let i = lookup.get(cat) ?? 0; i < catsSorted.length; i++) {
        const c = catsSorted[i];
        const inScope = scope(c, ctx);
        // No route of this category has the request's host: none can match (Kong would scan it in vain).
        if (!inScope.length) continue;
        const reduced = reduce(c, ctx);
        const firstIn = (list: RouteT[], pred: (t: RouteT) => boolean) => {
          // The first of `list` (sorted) that matches is in scope: walk the shorter of the two in order.
          if (list === inScope || list.length <= inScope.length) return list.find(pred);
          const members = memberSet(list);
          return inScope.find((t) => members.has(t) && pred(t));
        };
        const found = (reduced && firstIn(reduced, (t) => matchRoute(t, ctx))) ?? inScope.find((t) => matchRoute(t, ctx));
        if (found) {
          // A tie: another entry of another route in this category with the same key that matches too (R6).
          const tied = firstIn(reduced ?? inScope, (t) => t !== found && t.route !== found.route && traditionalTie(t.key, found.key) && matchRoute(t, ctx));
          return { route: found.route, ...(found.path !== undefined ? { paths: [found.path] } : {}), ...(tied ? { tiedWith: tied.route } : {}) };
        }
      }
      return undefined;
    },
  };
}
