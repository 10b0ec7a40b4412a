/**
 * Stage 4, report: the route findings as a terminal table, as Markdown (RUNBOOK.md, ROUTES.md)
 * and as JSON (`kong-flavor routes --json`, `routes` in plan.json).
 */
import Table from 'cli-table3';
import pc from 'picocolors';
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

const colour: Readonly<Record<Severity, (s: string) => string>> = { rejected: pc.red, changed: pc.yellow, dropped: pc.magenta, info: (s) => s };

/** The findings as a terminal table: object, rule, severity, what changes, the example request, the source. */
export function formatRouteTable(r: RouteReport): string {
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
    const objects = [...new Set(f.routes.map((id) => r.routes.find((x) => x.id === id)?.object ?? id))];
    table.push([objects.join('\n') || '-', f.rule, colour[f.severity](f.severity), f.message, exampleText(f), f.source.replace(/^ROUTES\.md /, 'ROUTES.md\n')]);
  }
  lines.push(table.toString());
  return lines.join('\n') + '\n';
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, '<br>');

/** The findings as Markdown: a summary and a table (RUNBOOK.md section, dist/<name>/ROUTES.md). */
export function routeReportMarkdown(r: RouteReport, failOn: FailOn, heading = '#'): string {
  const lines = [
    `${heading} Route semantics: ${r.from} -> ${r.to}`,
    '',
    `${summaryLine(r)}. Findings that refuse the plan: ${failOn === 'never' ? 'none (`spec.routes.failOn: never`)' : failOn === 'rejected' ? 'rejected (`spec.routes.failOn: rejected`)' : 'rejected, changed and dropped (`spec.routes.failOn: changed`)'}.`,
    '',
  ];
  if (r.findings.length) {
    lines.push('| severity | rule | routes | what changes | example request | source |', '|---|---|---|---|---|---|');
    for (const f of r.findings) {
      const ex = f.example ? `${formatRequest(f.example.request)}: ${f.example.before ?? 'no route'} -> ${f.example.after ?? 'no route'}` : '';
      lines.push(`| ${f.severity} | ${f.rule} | ${md(f.routes.join(', ') || '-')} | ${md(f.message)} | ${md(ex)} | ${md(f.source)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
