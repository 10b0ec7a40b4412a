/**
 * Stage 4, report: the route findings as a terminal table, as Markdown (RUNBOOK.md, ROUTES.md)
 * and as JSON (`kong-flavor routes --json`, `routes` in plan.json).
 */
import Table from 'cli-table3';
import { Colours, plain } from '../render/colours';
import { ExampleRequest, FailOn, Finding, RouteReport, Severity } from './types';

/** Whether a finding of this severity refuses a plan under `failOn` (`changed` includes dropped settings). */
export function reachesFailOn(severity: Severity, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  if (failOn === 'rejected') return severity === 'rejected';
  return severity !== 'info';
}

/** `GET a.test/x (x-env: Prod)`, for people. */
export function formatRequest(r: ExampleRequest): string {
  const headers = Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`);
  const query = r.query ? `?${Object.entries(r.query).map(([k, v]) => `${k}=${v}`).join('&')}` : '';
  return `${r.method} ${r.scheme === 'https' ? 'https://' : ''}${r.host}${r.path}${query}${headers.length ? ` (${headers.join(', ')})` : ''}`;
}

/**
 * What to do about a finding, by rule (ROUTES.md R1-R28): the change to the objects that makes
 * the routes behave the same under both flavors, or accepts the difference knowingly.
 */
const FIXES: Readonly<Record<string, string>> = {
  R1: 'give the routes the same host setup (add the plain host to the host-less or wildcard route), so both flavors rank them by their fields',
  R2: 'make both paths regexes or both plain, or stop them overlapping, so both flavors rank them the same way',
  R3: 'keep konghq.com/regex-priority between 0 and 4095 on regex routes',
  R4: 'keep regex-priority below 2 on regex routes that overlap routes with another number of headers (or give them the same headers)',
  R5: 'give one of the routes a plain host or a regex path, or fewer than 4 match fields, so it is ranked by more than its UUID',
  R6: 'make the routes differ (path, host, method or header): between identical routes the winner is arbitrary',
  R7: 'give the routes of different hosts different regexes, or the same regex-priority',
  R8: 'use one pathType for overlapping paths of a host (Prefix for both), so the longer path wins under both translators',
  R9: 'serve a host and path from an Ingress or from an HTTPRoute, not both',
  R10: 'order the HTTPRoute matches as Gateway API precedence does (Exact over PathPrefix, longer paths, methods and headers first)',
  R11: 'make the intended route win by its path (longer or Exact), then drop konghq.com/regex-priority',
  R12: 'rewrite the upstream paths for path_handling v0, then drop path-handling v1',
  R13: 'express the match as HTTPRoute/GRPCRoute matches (method, headers) instead of the konghq.com annotation',
  R14: 'match header values in the case clients send them, or with a RegularExpression match that allows both cases',
  R15: 'write header regexes in lower case, without upper-case escapes, one value per header',
  R16: 'set konghq.com/protocols: https on routes with konghq.com/snis (and use only valid SNIs)',
  R17: 'add https (and grpcs) to the route protocols, or attach the HTTPRoute to an HTTPS listener too',
  R18: 'use leading wildcards (*.example.com) in konghq.com/host-aliases',
  R19: 'write PathPrefix values without a trailing slash',
  R20: 'keep regex metacharacters out of Prefix and Exact paths (use an ImplementationSpecific /~ regex path when a regex is meant)',
  R21: 'write regex paths with the /~ prefix instead of relying on legacy regex detection',
  R22: "rewrite the regex for Rust's regex crate (no look-around, back-references, atomic groups, \\Z, \\h or \\R)",
  R23: 'start regex paths with / after ~, and avoid // and a % not followed by two hex digits',
  R24: 'list TLSRoute hostnames without wildcards',
  R25: 'set spec.hostnames on the GRPCRoute, and check method and header match types',
  R26: 'list both grpc and grpcs in konghq.com/protocols',
  R27: 'upgrade to KIC 3.x before moving L4 and Knative routes to expressions',
  R28: 'keep the mTLS plugin on a route without a wildcard SNI set, or check which SNIs ask for client certificates',
  KIC: 'fix the annotation or object KIC cannot use (the message names the allowed values)',
};

/** The fix for a finding: its rule's, or for a change no single rule explains, the generic one. */
export function fixOf(f: Finding): string {
  return FIXES[f.rule] ?? (f.rule === 'input' ? 'add the missing objects to spec.source.routes' : 'check the example request and make the intended route the more specific one under both flavors');
}

/** One finding on one line: severity, rule, message, the example request and the fix. */
export function findingLine(r: RouteReport, f: Finding): string {
  const ex = f.example ? ` Example: ${formatRequest(f.example.request)} goes to ${f.example.before ?? 'no route'} before and ${f.example.after ?? 'no route'} after.` : '';
  const objects = objectsOf(r, f);
  const named = objects.length && !objects.some((o) => f.message.includes(o)) ? `${objects.join(', ')}: ` : '';
  return `${f.severity} ${f.rule}: ${named}${f.message}.${ex} Fix: ${fixOf(f)}.`;
}

const objectNames = new WeakMap<RouteReport, Map<string, string>>();
/** The objects of a finding's routes (`Ingress ns/name`). */
function objectsOf(r: RouteReport, f: Finding): string[] {
  let byId = objectNames.get(r);
  if (!byId) objectNames.set(r, (byId = new Map(r.routes.map((x) => [x.id, x.object]))));
  return [...new Set(f.routes.map((id) => byId!.get(id) ?? id))];
}

function exampleText(f: Finding): string {
  if (!f.example) return '';
  return `${formatRequest(f.example.request)}\nbefore: ${f.example.before ?? 'no route'}\nafter: ${f.example.after ?? 'no route'}`;
}

const counts = (r: RouteReport) => {
  const by: Record<Severity, number> = { rejected: 0, changed: 0, dropped: 0, info: 0 };
  for (const f of r.findings) by[f.severity]++;
  return by;
};

/** One line: what was read and what was found. */
export function summaryLine(r: RouteReport): string {
  const c = counts(r);
  return `${r.objects} routing object${r.objects === 1 ? '' : 's'}, ${r.routes.length} route${r.routes.length === 1 ? '' : 's'}, ${r.from} -> ${r.to} (Kong ${r.kong}, KIC ${r.kic}): ${c.rejected} rejected, ${c.changed} changed, ${c.dropped} dropped, ${c.info} info`;
}

const colour = (pc: Colours): Readonly<Record<Severity, (s: string) => string>> => ({ rejected: pc.red, changed: pc.yellow, dropped: pc.magenta, info: (s) => s });

/** The findings as a terminal table: object, rule, severity, what changes, the example request, the source. */
export function formatRouteTable(r: RouteReport, pc: Colours = plain): string {
  const lines = [pc.bold(summaryLine(r))];
  if (r.findings.length === 0) {
    lines.push(r.objects === 0 ? 'No routing objects of this controller in the input.' : 'No route changes its matching, and the target accepts every route.');
    return lines.join('\n') + '\n';
  }
  const table = new Table({
    head: ['object', 'rule', 'severity', 'what changes', 'example request', 'source'],
    colWidths: [28, 9, 10, 56, 34, 16],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const f of r.findings) {
    const objects = objectsOf(r, f);
    table.push([objects.join('\n') || '-', f.rule, colour(pc)[f.severity](f.severity), f.message, exampleText(f), f.source.replace(/^ROUTES\.md /, 'ROUTES.md\n')]);
  }
  lines.push(table.toString());
  return lines.join('\n') + '\n';
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, '<br>');

const failOnText = (failOn: FailOn) =>
  failOn === 'never' ? 'none (`spec.routes.failOn: never`)' : failOn === 'rejected' ? 'rejected (`spec.routes.failOn: rejected`)' : 'rejected, changed and dropped (`spec.routes.failOn: changed`)';

/** The findings as Markdown: a summary and a table (dist/<name>/ROUTES.md). */
export function routeReportMarkdown(r: RouteReport, failOn: FailOn, heading = '#'): string {
  const lines = [`${heading} Route semantics: ${r.from} -> ${r.to}`, '', `${summaryLine(r)}. Findings that refuse the plan: ${failOnText(failOn)}.`, ''];
  if (r.findings.length) {
    lines.push('| severity | rule | routes | what changes | example request | fix | source |', '|---|---|---|---|---|---|---|');
    for (const f of r.findings) {
      const ex = f.example ? `${formatRequest(f.example.request)}: ${f.example.before ?? 'no route'} -> ${f.example.after ?? 'no route'}` : '';
      lines.push(`| ${f.severity} | ${f.rule} | ${md(f.routes.join(', ') || '-')} | ${md(f.message)} | ${md(ex)} | ${md(fixOf(f))} | ${md(f.source)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Findings shown in the plan's terminal output and in RUNBOOK.md before pointing at the full list. */
const SHORT_LIST = 10;

/** The findings worth reading first: what the target refuses, then changes, then dropped settings (never the info ones). */
const headline = (r: RouteReport) => r.findings.filter((f) => f.severity !== 'info').slice(0, SHORT_LIST);

/** The `plan` output's routes section: the summary and the first findings. */
export function formatRouteSection(r: RouteReport, pc: Colours = plain): string[] {
  const shown = headline(r);
  const rest = r.findings.filter((f) => f.severity !== 'info').length - shown.length;
  const lines = [pc.bold('Routes:') + ` ${summaryLine(r)}`];
  for (const f of shown) lines.push(`  - ${colour(pc)[f.severity](f.severity)} ${findingLine(r, f).slice(f.severity.length + 1)}`);
  if (rest > 0) lines.push(`  - and ${rest} more: kong-flavor routes <spec> lists them all`);
  if (r.findings.some((f) => f.severity === 'rejected')) lines.push(pc.red('  Routes the target refuses are accepted here only because spec.routes.failOn is never.'));
  return lines;
}

/**
 * The RUNBOOK.md section: what changes for the routes, the findings to act on first (each with
 * its example request and fix), and where the full list is (ROUTES.md beside it).
 */
export function routeRunbookSection(r: RouteReport, failOn: FailOn): string[] {
  const shown = headline(r);
  const actionable = r.findings.filter((f) => f.severity !== 'info').length;
  const lines = ['## Routes', '', `${summaryLine(r)}. Findings that refuse the plan: ${failOnText(failOn)}.`, ''];
  if (!actionable) {
    lines.push(r.objects === 0 ? 'No routing objects of this controller were read: nothing was checked.' : 'No route changes how it matches, and the target accepts every route.', '');
    return lines;
  }
  lines.push('Before phase 01, check these with the example requests (curl them against the proxy now and after the migration):', '');
  for (const f of shown) lines.push(`- ${findingLine(r, f)}`);
  lines.push('', `${actionable > shown.length ? `${actionable - shown.length} more findings, and ` : ''}the full table with every route's Kong entity before and after: \`ROUTES.md\` and \`plan.json\` (\`routes\`).`, '');
  return lines;
}
