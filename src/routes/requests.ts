/**
 * Example requests: for every Kong route, requests it should match (its hosts, sample paths from
 * its prefixes and regexes, its methods, headers and queries), so that the winners of the two
 * flavors can be compared on requests that matter. Pairwise work stays within a host: a
 * host-less route is tried on the hosts whose routes share a path prefix with it.
 */
import { Expr, predicates } from './expression';
import { literalPrefix, samplesOf } from './regex';
import { HttpRequest } from './request';
import { KongRoute, isExpressionEntity } from './types';

/** A host no route names, for routes without hosts. */
export const UNLISTED_HOST = 'unlisted.example';
/** At most this many other hosts are tried for one host-less route path. */
const MAX_HOSTS_PER_HOSTLESS_PATH = 24;

/** A host matching a host pattern: `*.x` -> `a.x`, `x.*` -> `x.a`. */
export function concreteHost(h: string): string {
  if (h.startsWith('*')) return `a${h.slice(1)}`;
  if (h.endsWith('*')) return `${h.slice(0, -1)}a`;
  return h.toLowerCase();
}

function pathSamples(path: string, seed: number): string[] {
  if (!path.startsWith('~')) return path.endsWith('/') ? [path, `${path}x`] : [path, `${path}/x`];
  const re = path.slice(1);
  return samplesOf(re, 2, seed);
}

function exprPathSamples(e: Expr | undefined, seed: number): string[] {
  const out: string[] = [];
  for (const p of predicates(e)) {
    if (p.field !== 'http.path') continue;
    if (p.op === '==') out.push(p.value);
    else if (p.op === '^=') out.push(p.value, p.value.endsWith('/') ? `${p.value}x` : `${p.value}/x`);
    else if (p.op === '=^') out.push(`/a${p.value}`);
    else if (p.op === '~') out.push(...samplesOf(p.value, 2, seed));
  }
  return out;
}

interface Shape {
  hosts: string[];
  paths: string[];
  methods: string[];
  headers: [string, string][];
  query: [string, string][];
  https: boolean;
}

/** What to put in requests for one route. */
function shapeOf(route: KongRoute, seed: number): Shape {
  const e = route.entity;
  if (isExpressionEntity(e)) {
    const preds = predicates(route.expr);
    return {
      hosts: preds.filter((p) => p.field === 'http.host').map((p) => (p.op === '=^' ? `a${p.value}` : p.op === '^=' ? `${p.value}a` : p.value)),
      paths: route.parts.flatMap((part) => exprPathSamples(part.pathExpr, seed)),
      methods: preds.filter((p) => p.field === 'http.method' && p.op === '==').map((p) => p.value),
      headers: preds
        .filter((p) => p.field.startsWith('http.headers.'))
        .map((p) => [p.field.slice('http.headers.'.length).replace(/_/g, '-'), p.op === '~' ? (samplesOf(p.value, 1, seed)[0] ?? 'x') : p.value] as [string, string]),
      query: preds.filter((p) => p.field.startsWith('http.queries.')).map((p) => [p.field.slice('http.queries.'.length), p.op === '~' ? (samplesOf(p.value, 1, seed)[0] ?? 'x') : p.value] as [string, string]),
      https: preds.some((p) => p.field === 'tls.sni') || (e.protocols?.length === 1 && e.protocols[0] === 'https'),
    };
  }
  return {
    hosts: (e.hosts ?? []).map(concreteHost),
    paths: (e.paths ?? []).flatMap((p) => pathSamples(p, seed)),
    methods: [...(e.methods ?? [])],
    headers: Object.entries(e.headers ?? {}).map(([n, vs]) => [n.toLowerCase(), vs[0].startsWith('~*') ? (samplesOf(vs[0].slice(2), 1, seed)[0] ?? 'x') : vs[0]] as [string, string]),
    query: [],
    https: !!e.snis?.length || (e.protocols?.length === 1 && e.protocols[0] === 'https'),
  };
}

const firstSegment = (p: string) => {
  const end = p.indexOf('/', 1);
  return end < 0 ? p : p.slice(0, end);
};

/** Requests worth judging for the routes of both flavors, deduplicated, in a stable order. */
export function exampleRequests(routeSets: readonly (readonly KongRoute[])[]): HttpRequest[] {
  const shapes: Shape[] = [];
  routeSets.forEach((routes, s) =>
    routes.forEach((r, i) => {
      if (!r.stream) shapes.push(shapeOf(r, 1 + s * 100003 + i));
    }),
  );
  // Hosts by the first path segment of their routes, for host-less routes.
  const hostsBySegment = new Map<string, Set<string>>();
  const rootHosts = new Set<string>();
  for (const sh of shapes) {
    if (!sh.hosts.length) continue;
    for (const p of sh.paths.length ? sh.paths : ['/']) {
      const seg = firstSegment(p);
      if (seg === '/' || literalPrefix(p).length <= 1) for (const h of sh.hosts) rootHosts.add(h);
      else {
        let set = hostsBySegment.get(seg);
        if (!set) hostsBySegment.set(seg, (set = new Set<string>()));
        for (const h of sh.hosts) set.add(h);
      }
    }
  }
  const out = new Map<string, HttpRequest>();
  const pairs = (r: Readonly<Record<string, string>> | undefined) => (r ? Object.keys(r).sort().map((k) => `${k}\u0001${r[k]}`).join('\u0001') : '');
  const add = (req: HttpRequest) => {
    const key = `${req.method}\u0000${req.scheme}\u0000${req.host}\u0000${req.path}\u0000${pairs(req.headers)}\u0000${pairs(req.query)}`;
    if (!out.has(key)) out.set(key, req);
  };
  // The hosts a host-less route path is tried on, by first path segment (computed once per segment).
  const rootSorted = [...rootHosts].sort();
  const hostlessHosts = new Map<string, string[]>();
  const hostsForHostless = (seg: string) => {
    let hosts = hostlessHosts.get(seg);
    if (!hosts) {
      const extra = [...new Set([...(hostsBySegment.get(seg) ?? []), ...rootSorted])].sort();
      hosts = [UNLISTED_HOST, ...extra.slice(0, MAX_HOSTS_PER_HOSTLESS_PATH)];
      hostlessHosts.set(seg, hosts);
    }
    return hosts;
  };
  for (const sh of shapes) {
    const paths = sh.paths.length ? sh.paths.filter((p) => p.startsWith('/')) : ['/'];
    for (const path of paths) {
      const hosts = sh.hosts.length ? sh.hosts : hostsForHostless(firstSegment(path));
      for (const host of hosts) {
        const headers = Object.fromEntries(sh.headers);
        const base = { method: sh.methods[0] ?? 'GET', host, path, headers, scheme: 'http' as const, ...(sh.query.length ? { query: Object.fromEntries(sh.query) } : {}) };
        add(base);
        if (sh.https) add({ ...base, scheme: 'https' });
        // Header values as clients often send them: lower case (R14).
        if (sh.headers.some(([, v]) => v !== v.toLowerCase())) add({ ...base, headers: Object.fromEntries(sh.headers.map(([n, v]) => [n, v.toLowerCase()])) });
        // Without the route's headers and method: the routes it shadows.
        if (sh.headers.length || sh.methods.length) add({ ...base, method: 'GET', headers: {} });
      }
    }
  }
  return [...out.values()];
}
