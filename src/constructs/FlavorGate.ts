import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { GateCheck } from '../plan/types';
import { ResolvedSpec } from '../spec/types';
import { HookJob, HookTiming } from './HookJob';

export interface FlavorGateProps extends HookTiming {
  readonly spec: ResolvedSpec;
  /** Name of the Job and its RBAC. */
  readonly name: string;
  /** The phase the gate closes, for logs. */
  readonly phaseId: string;
  readonly checks: readonly GateCheck[];
  /** Seconds the gate waits for its checks before failing. */
  readonly timeoutSeconds: number;
}

const selectorArg = (selector: Readonly<Record<string, string>>) =>
  Object.keys(selector)
    .sort()
    .map((k) => `${k}=${selector[k]}`)
    .join(',');

/** Shell-quotes a value for the gate script. */
function q(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Shell functions shared by every gate: each loops until its condition holds or the deadline
 * passes. kubectl output is read with jsonpath and custom-columns only (no `{{`), so the same
 * Job can travel through Helm values (`extraObjects` are rendered with `tpl`).
 */
const PRELUDE = `set -eu
deadline=$(( $(date +%s) + TIMEOUT ))
fail() { echo "GATE FAILED: $*" >&2; exit 1; }
late() { [ "$(date +%s)" -ge "$deadline" ]; }
# Seconds left before the deadline (at least 1), so every wait shares one budget.
left() { now=$(date +%s); echo $(( deadline > now ? deadline - now : 1 )); }
`;

/** The shell functions, each included only when a check needs it. */
const FUNCTIONS: Record<string, string> = {
  live_pods: `# Pods of a selector that are not terminating, one name per line; fails when kubectl does.
live_pods() {
  listed=$(kubectl -n "$NS" get pods -l "$1" -o custom-columns=NAME:.metadata.name,DELETING:.metadata.deletionTimestamp --no-headers) || return 1
  # Called in $(...), where set -e holds again: every command here must succeed.
  echo "$listed" | while read -r name deleting; do if [ -n "$name" ] && [ "$deleting" = "<none>" ]; then echo "$name"; fi; done
}`,
  check_flavor_admin: `# Every live pod of a Deployment reports the flavor on its admin API and holds a configuration.
check_flavor_admin() { # deployment selector flavor replicas
  while :; do
    ok=0; total=0
    for pod in $(live_pods "$2"); do
      total=$((total + 1))
      root=$(kubectl get --raw "/api/v1/namespaces/$NS/pods/$ADMIN_SCHEME:$pod:$ADMIN_PORT/proxy/" 2>/dev/null || true)
      status=$(kubectl get --raw "/api/v1/namespaces/$NS/pods/$ADMIN_SCHEME:$pod:$ADMIN_PORT/proxy/status" 2>/dev/null || true)
      if ! echo "$root" | grep -Eq "\\"router_flavor\\" *: *\\"$3\\""; then
        echo "$1: $pod does not report router_flavor $3 yet"
      elif [ "$DBLESS" = "true" ] && { [ -z "$status" ] || echo "$status" | grep -Eq '"configuration_hash" *: *"0+"'; }; then
        echo "$1: $pod holds no configuration yet"
      else
        ok=$((ok + 1))
      fi
    done
    if [ "$total" -eq "$4" ] && [ "$ok" -eq "$4" ]; then echo "$1: $ok/$4 pods run $3 with a configuration"; return 0; fi
    late && fail "$1: $ok of $4 pods report router_flavor $3 with a configuration ($total live)"
    sleep 5
  done
}`,
  check_flavor_pods: `# Admin API bound to localhost (sidecar): every live pod runs the flavor and is Ready.
check_flavor_pods() { # deployment selector flavor replicas container
  while :; do
    ok=0; total=0
    for pod in $(live_pods "$2"); do
      total=$((total + 1))
      got=$(kubectl -n "$NS" get pod "$pod" -o jsonpath='{.spec.containers[?(@.name=="'"$5"'")].env[?(@.name=="KONG_ROUTER_FLAVOR")].value} {.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
      if [ "$got" = "$3 True" ]; then ok=$((ok + 1)); else echo "$1: $pod is not Ready on $3 yet ($got)"; fi
    done
    if [ "$total" -eq "$4" ] && [ "$ok" -eq "$4" ]; then echo "$1: $ok/$4 pods run $3 and are Ready"; return 0; fi
    late && fail "$1: $ok of $4 pods run $3 and are Ready ($total live)"
    sleep 5
  done
}`,
  check_scaled_down: `# No live pod left; a failed read is not "none" (the gate retries, then fails).
check_scaled_down() { # deployment selector
  while :; do
    if pods=$(live_pods "$2"); then if [ -z "$pods" ]; then break; fi; else echo "$1: cannot list pods"; fi
    late && fail "$1 still has pods (or they cannot be listed)"
    sleep 5
  done
  echo "$1: no pods left"
}`,
  check_endpoints: `# The Service's endpoints are exactly the Ready, live pods of the selector.
check_endpoints() { # service selector
  while :; do
    ready=$(kubectl -n "$NS" get pods -l "$2" -o jsonpath='{range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status} {.metadata.deletionTimestamp}{"\\n"}{end}' | grep -c ' True $' || true)
    got=$(kubectl -n "$NS" get endpoints "$1" -o jsonpath='{range .subsets[*].addresses[*]}{.targetRef.name}{"\\n"}{end}')
    live=$(live_pods "$2")
    n=0; stray=0
    for pod in $got; do n=$((n + 1)); echo "$live" | grep -qx "$pod" || stray=$((stray + 1)); done
    if [ "$stray" -eq 0 ] && [ "$n" -gt 0 ] && [ "$n" -eq "$ready" ]; then echo "$1: $n endpoints, all Ready pods of $2"; return 0; fi
    late && fail "$1: $n endpoints ($stray not selected by $2), $ready Ready pods"
    sleep 5
  done
}`,
  check_routes: `# The routes the gateways serve have the expected shape: Postgres, the stored routes read
# through one gateway; DB-less ("all"), each pod's own configuration.
check_routes() { # deployment selector shape [all]
  if [ "$3" = "fields" ]; then other='"expression" *: *"'; else other='"(paths|hosts|methods|headers|snis)" *: *[[{]'; fi
  while :; do
    ok=0; total=0
    if pods=$(live_pods "$2"); then
      if [ "\${4:-}" != "all" ]; then pods=$(echo "$pods" | head -n 1); fi
      for pod in $pods; do
        total=$((total + 1))
        # Every page: Kong answers at most 1000 routes and the path of the next page in "next".
        page="/routes?size=1000"; clean=true; pages=0
        while [ -n "$page" ] && [ "$pages" -lt 1000 ]; do
          pages=$((pages + 1))
          routes=$(kubectl get --raw "/api/v1/namespaces/$NS/pods/$ADMIN_SCHEME:$pod:$ADMIN_PORT/proxy$page" 2>/dev/null || true)
          if [ -z "$routes" ] || echo "$routes" | grep -Eq "$other"; then clean=false; break; fi
          # "next" may be a path or a URL, with "/" escaped as "\\/": keep the path.
          page=$(echo "$routes" | grep -Eo '"next" *: *"[^"]*"' | sed -E 's/^"next" *: *"(.*)"$/\\1/; s#\\\\/#/#g; s#^https?://[^/]*##' || true)
        done
        if [ "$clean" = true ] && [ -z "$page" ]; then ok=$((ok + 1)); else echo "$1: $pod serves routes of the other shape (or cannot be read)"; fi
      done
    fi
    if [ "$total" -gt 0 ] && [ "$ok" -eq "$total" ]; then echo "$1: the routes are all $3 routes ($ok of $total pods read)"; return 0; fi
    late && fail "$1: the routes are not all $3 routes"
    sleep 5
  done
}`,
  check_removed: `# Gone means "not found"; any other error is not proof (the gate retries, then fails).
check_removed() { # kind name
  while :; do
    if found=$(kubectl -n "$NS" get "$1" "$2" --ignore-not-found -o name); then if [ -z "$found" ]; then break; fi; else echo "$1 $2: cannot be read"; fi
    late && fail "$1 $2 still exists (or cannot be read)"
    sleep 5
  done
  echo "$1 $2: gone"
}`,
};

/** The functions each check calls (and what they call). */
const NEEDS: Record<GateCheck['check'] | 'flavor-pods', string[]> = {
  rollout: [],
  flavor: ['live_pods', 'check_flavor_admin'],
  'flavor-pods': ['live_pods', 'check_flavor_pods'],
  'scaled-down': ['live_pods', 'check_scaled_down'],
  endpoints: ['live_pods', 'check_endpoints'],
  removed: ['check_removed'],
  routes: ['live_pods', 'check_routes'],
};

/** The gate's script: the prelude, then one line per check. */
export function gateScript(spec: ResolvedSpec, phaseId: string, checks: readonly GateCheck[], timeoutSeconds: number): string {
  const gw = spec.gateway;
  const lines = [
    `NS=${q(spec.namespace)}`,
    `TIMEOUT=${timeoutSeconds}`,
    `ADMIN_SCHEME=${q(gw.adminScheme)}`,
    `ADMIN_PORT=${gw.adminPort}`,
    `DBLESS=${spec.database === 'off' ? 'true' : 'false'}`,
    PRELUDE.trimEnd(),
    ...[...new Set(checks.flatMap((c) => NEEDS[c.check === 'flavor' && !gw.adminReachable ? 'flavor-pods' : c.check]))]
      .sort((a, b) => Object.keys(FUNCTIONS).indexOf(a) - Object.keys(FUNCTIONS).indexOf(b))
      .map((f) => FUNCTIONS[f]),
    `echo ${q(`gate ${phaseId}: ${checks.length} checks`)}`,
  ];
  for (const c of checks) {
    switch (c.check) {
      case 'rollout':
        lines.push(`kubectl -n "$NS" rollout status deployment/${c.deployment} --timeout="$(left)s" || fail ${q(`rollout of ${c.deployment}`)}`);
        break;
      case 'flavor':
        lines.push(
          gw.adminReachable
            ? `check_flavor_admin ${q(c.deployment)} ${q(selectorArg(c.selector))} ${q(c.flavor)} ${c.replicas}`
            : `check_flavor_pods ${q(c.deployment)} ${q(selectorArg(c.selector))} ${q(c.flavor)} ${c.replicas} ${q(gw.container)}`,
        );
        break;
      case 'scaled-down':
        lines.push(`check_scaled_down ${q(c.deployment)} ${q(selectorArg(c.selector))}`);
        break;
      case 'endpoints':
        lines.push(`check_endpoints ${q(c.service)} ${q(selectorArg(c.selector))}`);
        break;
      case 'removed':
        lines.push(`check_removed ${c.kind.toLowerCase()} ${q(c.name)}`);
        break;
      case 'routes':
        lines.push(`check_routes ${q(c.deployment)} ${q(selectorArg(c.selector))} ${c.shape}${c.everyPod ? ' all' : ''}`);
        break;
    }
  }
  lines.push(`echo ${q(`gate ${phaseId}: passed`)}`);
  return lines.join('\n') + '\n';
}

/** The RBAC a gate needs: reads only, named objects where Kubernetes allows it. */
export function gateRules(checks: readonly GateCheck[]): k8s.PolicyRule[] {
  const uniq = (xs: string[]) => [...new Set(xs)].sort();
  const deployments = uniq(
    checks.flatMap((c) => (c.check === 'rollout' ? [c.deployment] : c.check === 'removed' && c.kind === 'Deployment' ? [c.name] : [])),
  );
  const services = uniq(checks.flatMap((c) => (c.check === 'endpoints' ? [c.service] : c.check === 'removed' && c.kind === 'Service' ? [c.name] : [])));
  const endpoints = uniq(checks.flatMap((c) => (c.check === 'endpoints' ? [c.service] : [])));
  const rules: k8s.PolicyRule[] = [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }];
  if (checks.some((c) => c.check === 'flavor' || c.check === 'routes')) rules.push({ apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'] });
  if (deployments.length) {
    // `kubectl rollout status` gets, then watches the Deployment by name (a field selector RBAC honours).
    rules.push({ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'], resourceNames: deployments });
  }
  if (services.length) rules.push({ apiGroups: [''], resources: ['services'], verbs: ['get'], resourceNames: services });
  if (endpoints.length) rules.push({ apiGroups: [''], resources: ['endpoints'], verbs: ['get'], resourceNames: endpoints });
  return rules;
}

/**
 * The gate of a phase: a Job that waits for the phase's rollouts, then checks that every
 * gateway reports the expected `router_flavor` on its admin API (`GET /` through the API
 * server's pod proxy, so the image needs only kubectl) and holds a configuration. The next
 * phase must not start before it succeeds; with Argo CD waves it blocks the sync.
 */
export class FlavorGate extends Construct {
  public readonly job: HookJob;

  constructor(scope: Construct, id: string, props: FlavorGateProps) {
    super(scope, id);
    const { spec } = props;
    this.job = new HookJob(this, 'Job', {
      ...props,
      script: gateScript(spec, props.phaseId, props.checks, props.timeoutSeconds),
      rules: gateRules(props.checks),
      description: `Gate of phase ${props.phaseId}: ${props.checks.map((c) => c.check).join(', ')}`,
    });
  }
}
