import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { PREFLIGHT_SECONDS } from '../plan/phase';
import { GateCheck } from '../plan/types';
import { ResolvedSpec } from '../spec/types';
import { HookJob, HookTiming } from './HookJob';
import { shellQuote, shellWords } from './shell';

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

/** A selector as `kubectl -l` takes it (keys sorted, so the same plan gives the same bytes). */
export const selectorArg = (selector: Readonly<Record<string, string>>): string =>
  Object.keys(selector)
    .sort()
    .map((k) => `${k}=${selector[k]}`)
    .join(',');

/**
 * Shell functions shared by every gate. Each check loops until its condition holds or the
 * deadline passes; a kubectl error (an API server restart, a throttled request, a proxy
 * timeout) is logged and retried, never fatal, and never read as "none" or "gone" (fail
 * closed). No `set -e`: every failure is handled where it happens. `set -f`: kubectl output is
 * split into words (pod names) and must never be globbed. kubectl output is read with jsonpath
 * and custom-columns only (no `{{`), so the same Job can travel through Helm values
 * (`extraObjects` are rendered with `tpl`). Runs under BusyBox `sh` (the hook image is Alpine).
 */
const PRELUDE = `set -uf
deadline=$(( $(date +%s) + TIMEOUT ))
fail() { echo "GATE FAILED: $*" >&2; exit 1; }
late() { [ "$(date +%s)" -ge "$deadline" ]; }
# Seconds left before the deadline (at least 1), so every wait shares one budget.
left() { now=$(date +%s); echo $(( deadline > now ? deadline - now : 1 )); }
# kubectl with a bounded request, so one hung call cannot eat the deadline.
kc() { kubectl --request-timeout=30s "$@"; }
# A number, or -1 when kubectl printed anything else (an empty field, an error).
num() { case "$1" in ''|*[!0-9]*) echo -1;; *) echo "$1";; esac; }
`;

/** The shell functions, each included only when a check needs it (in this order). */
const FUNCTIONS: Record<string, string> = {
  pod_rows: `# Pods of a selector that stay: not being deleted and not terminal. Pods the kubelet evicted
# or a node shutdown stopped stay "Failed" without a deletion timestamp until pod GC (12,500 by
# default), so they must not count. Prints "name ready" per pod; fails when kubectl does.
pod_rows() { # selector
  listed=$(kc -n "$NS" get pods -l "$1" --no-headers -o 'custom-columns=NAME:.metadata.name,DELETING:.metadata.deletionTimestamp,PHASE:.status.phase,READY:.status.conditions[?(@.type=="Ready")].status') || return 1
  echo "$listed" | while read -r name deleting phase ready; do
    if [ -n "$name" ] && [ "$deleting" = "<none>" ] && [ "$phase" != "Failed" ] && [ "$phase" != "Succeeded" ]; then echo "$name $ready"; fi
  done
  return 0
}
live_pods() { rows=$(pod_rows "$1") || return 1; echo "$rows" | while read -r name ready; do [ -n "$name" ] && echo "$name"; done; return 0; }
ready_pods() { rows=$(pod_rows "$1") || return 1; echo "$rows" | while read -r name ready; do [ "$ready" = "True" ] && echo "$name"; done; return 0; }
# The replicas a Deployment asks for now (what it reports, which an HPA or a person may have changed).
wanted() { num "$(kc -n "$NS" get deployment "$1" -o 'jsonpath={.spec.replicas}' 2>/dev/null)"; }`,
  admin_get: `# GET on a pod's admin API through the API server's pod proxy: the body, or kubectl's error.
admin_get() { # pod path
  kc get --raw "/api/v1/namespaces/$NS/pods/$ADMIN_SCHEME:$1:$ADMIN_PORT/proxy$2" 2>&1
}`,
  preflight: `# Preflight: the API server must reach the gateways' admin port (private-cluster firewalls and
# NetworkPolicies block it; an admin API that needs a client certificate answers 400 to the proxy).
preflight() { # deployment selector
  end=$(( $(date +%s) + PREFLIGHT ))
  [ "$end" -gt "$deadline" ] && end=$deadline
  err="no live pod"
  while :; do
    if pods=$(live_pods "$2"); then
      for pod in $pods; do
        if out=$(admin_get "$pod" /); then echo "preflight: the API server reads the admin API of $pod"; return 0; fi
        err="$pod: $(echo "$out" | head -n 1)"
      done
    else err="cannot list the pods of $1"; fi
    echo "preflight: $err (retrying)"
    [ "$(date +%s)" -ge "$end" ] && fail "preflight: the API server cannot read the admin API ($ADMIN_SCHEME, port $ADMIN_PORT) of any $1 pod through the pod proxy: $err. Check the firewall from the control plane to the nodes, NetworkPolicies on port $ADMIN_PORT, and whether the admin API needs a client certificate or a token (RUNBOOK.md, Before you start)."
    sleep 5
  done
}`,
  every_pod: `# Waits until a Deployment has as many live pods as it asks for (an HPA or a person may have
# changed the planned count) and a per-pod check passes on each; the check prints why a pod is
# not there yet. A failed read of the Deployment or its pods is retried, never taken for done.
every_pod() { # deployment selector planned-replicas what failure-hint check [check-args...]
  dep=$1; sel=$2; planned=$3; what=$4; hint=$5; shift 5
  while :; do
    ok=0; total=0; want=$(wanted "$dep")
    if [ "$want" -lt 0 ]; then echo "$dep: cannot read the Deployment (retrying)";
    elif ! pods=$(live_pods "$sel"); then echo "$dep: cannot list its pods (retrying)";
    else
      [ "$want" -ne "$planned" ] && echo "$dep: the Deployment asks for $want replicas (the plan has $planned)"
      for pod in $pods; do
        total=$((total + 1))
        "$@" "$pod" && ok=$((ok + 1))
      done
      if [ "$want" -ge 1 ] && [ "$total" -eq "$want" ] && [ "$ok" -eq "$want" ]; then echo "$dep: $ok/$want pods $what"; return 0; fi
    fi
    late && fail "$dep: $ok of $want pods $what ($total live$hint)"
    sleep 5
  done
}`,
  flavor_on_admin: `# A pod reports the flavor on its admin API and (DB-less) holds a configuration: a
# configuration_hash that is there and not all zeros.
flavor_on_admin() { # flavor pod
  if ! root=$(admin_get "$2" /); then echo "$dep: $2: cannot read GET /: $(echo "$root" | head -n 1)"; return 1; fi
  if ! echo "$root" | grep -Eq "\\"router_flavor\\" *: *\\"$1\\""; then echo "$dep: $2 does not report router_flavor $1 yet"; return 1; fi
  [ "$DBLESS" = "true" ] || return 0
  if ! status=$(admin_get "$2" /status); then echo "$dep: $2: cannot read GET /status: $(echo "$status" | head -n 1)"; return 1; fi
  if ! echo "$status" | grep -Eq '"configuration_hash" *: *"[0-9a-f]*[1-9a-f][0-9a-f]*"'; then echo "$dep: $2 holds no configuration yet"; return 1; fi
}`,
  flavor_in_pod: `# Admin API bound to localhost (sidecar): the pod's container runs the flavor and is Ready.
flavor_in_pod() { # flavor container pod
  got=$(kc -n "$NS" get pod "$3" -o jsonpath='{.spec.containers[?(@.name=="'"$2"'")].env[?(@.name=="KONG_ROUTER_FLAVOR")].value} {.status.conditions[?(@.type=="Ready")].status}' 2>&1)
  [ "$got" = "$1 True" ] && return 0
  echo "$dep: $3 is not Ready on $1 yet ($got)"; return 1
}`,
  check_scaled_down: `# No live pod left (terminal pods do not count); a failed read is not "none".
check_scaled_down() { # deployment selector
  while :; do
    if pods=$(live_pods "$2"); then if [ -z "$pods" ]; then break; fi; echo "$1: pods left: $(echo $pods)"; else echo "$1: cannot list pods (retrying)"; fi
    late && fail "$1 still has pods (or they cannot be listed)"
    sleep 5
  done
  echo "$1: no pods left"
}`,
  check_endpoints: `# The Service's EndpointSlices (Endpoints is deprecated) list exactly the Ready live pods of the
# selector as ready endpoints, and still do after the soak: load balancers register pod IPs late.
check_endpoints() { # service selector soak-seconds
  since=""
  while :; do
    if ! got=$(kc -n "$NS" get endpointslices -l "kubernetes.io/service-name=$1" -o 'jsonpath={range .items[*].endpoints[*]}{.targetRef.name} {.conditions.ready}{"\\n"}{end}'); then
      echo "$1: cannot read its EndpointSlices (retrying)"; since=""
    elif ! ready=$(ready_pods "$2"); then
      echo "$1: cannot list the pods of $2 (retrying)"; since=""
    else
      # One pod may be listed twice (an IPv4 and an IPv6 slice).
      names=$(echo "$got" | while read -r name isready; do [ "$isready" = "true" ] && [ -n "$name" ] && echo "$name"; done | sort -u)
      n=0; stray=0; want=0
      for pod in $names; do n=$((n + 1)); echo "$ready" | grep -qxF "$pod" || stray=$((stray + 1)); done
      for pod in $ready; do want=$((want + 1)); done
      if [ "$stray" -eq 0 ] && [ "$n" -gt 0 ] && [ "$n" -eq "$want" ]; then
        [ -z "$since" ] && since=$(date +%s) && echo "$1: $n ready endpoints, all Ready pods of $2; soaking $3 s"
        if [ $(( $(date +%s) - since )) -ge "$3" ]; then echo "$1: $n ready endpoints, all Ready pods of $2, for $3 s"; return 0; fi
      else
        [ -n "$since" ] && echo "$1: the endpoints changed during the soak"
        since=""; echo "$1: $n ready endpoints ($stray not Ready pods of $2), $want Ready pods"
      fi
    fi
    late && fail "$1: its ready endpoints are not exactly the Ready pods of $2 for $3 s"
    sleep 5
  done
}`,
  check_routes: `# The routes the gateways serve have the expected shape: Postgres, the stored routes the
# controller manages (its filter tag) read through one gateway; DB-less ("all"), each pod's own
# configuration. Fields shapes include the stream fields (sources, destinations).
check_routes() { # deployment selector shape all|one filter-tag
  if [ "$3" = "fields" ]; then other='"expression" *: *"'; else other='"(paths|hosts|methods|headers|snis|sources|destinations)" *: *[[{]'; fi
  first="/routes?size=1000"; [ -n "$5" ] && first="$first&tags=$5"
  while :; do
    ok=0; total=0
    if pods=$(live_pods "$2"); then
      for pod in $pods; do
        # Every page: Kong answers at most 1000 routes and the path of the next page in "next".
        page=$first; clean=true; read=true; pages=0
        while [ -n "$page" ] && [ "$pages" -lt 1000 ]; do
          pages=$((pages + 1))
          if ! routes=$(admin_get "$pod" "$page"); then echo "$1: $pod: cannot read GET /routes: $(echo "$routes" | head -n 1)"; read=false; break; fi
          if echo "$routes" | grep -Eq "$other"; then clean=false; break; fi
          # "next" may be a path or a URL, with "/" escaped as "\\/": keep the path. Older Kong
          # versions drop the tags from it: keep the filter on every page.
          page=$(echo "$routes" | grep -Eo '"next" *: *"[^"]*"' | sed -E 's/^"next" *: *"(.*)"$/\\1/; s#\\\\/#/#g; s#^https?://[^/]*##')
          if [ -n "$page" ] && [ -n "$5" ]; then case "$page" in *tags=*) ;; *) page="$page&tags=$5";; esac; fi
        done
        [ "$read" = true ] || continue
        total=$((total + 1))
        if [ "$clean" = true ] && [ -z "$page" ]; then ok=$((ok + 1)); else echo "$1: $pod serves routes of the other shape"; fi
        # Postgres: the routes are shared, one pod that answered is enough.
        [ "$4" = "one" ] && break
      done
    else echo "$1: cannot list its pods (retrying)"; fi
    if [ "$total" -gt 0 ] && [ "$ok" -eq "$total" ]; then echo "$1: the routes are all $3 routes ($ok of $total pods read)"; return 0; fi
    late && fail "$1: the routes are not all $3 routes (or cannot be read)"
    sleep 5
  done
}`,
  check_removed: `# Gone means "not found"; any other error is not proof (the gate retries, then fails).
check_removed() { # kind name
  while :; do
    if found=$(kc -n "$NS" get "$1" "$2" --ignore-not-found -o name); then if [ -z "$found" ]; then break; fi; else echo "$1 $2: cannot be read (retrying)"; fi
    late && fail "$1 $2 still exists (or cannot be read)"
    sleep 5
  done
  echo "$1 $2: gone"
}`,
  wait_rollout: `# kubectl rollout status until it succeeds within the deadline; an error (a watch cut by the API
# server, a deadline exceeded while pods still start) is retried with the seconds left.
wait_rollout() { # deployment
  until kubectl -n "$NS" rollout status "deployment/$1" --timeout="$(left)s"; do
    late && fail "rollout of $1 did not complete"
    echo "$1: rollout status failed (retrying)"
    sleep 5
  done
}`,
};

/** The functions each check calls (and what they call). */
const NEEDS: Record<GateCheck['check'] | 'flavor-pods', string[]> = {
  'admin-reachable': ['pod_rows', 'admin_get', 'preflight'],
  rollout: ['wait_rollout'],
  flavor: ['pod_rows', 'admin_get', 'every_pod', 'flavor_on_admin'],
  'flavor-pods': ['pod_rows', 'every_pod', 'flavor_in_pod'],
  'scaled-down': ['pod_rows', 'check_scaled_down'],
  endpoints: ['pod_rows', 'check_endpoints'],
  removed: ['check_removed'],
  routes: ['pod_rows', 'admin_get', 'check_routes'],
};

/** The gate's script: settings, the prelude, the functions it needs, then one line per check. */
export function gateScript(spec: ResolvedSpec, phaseId: string, checks: readonly GateCheck[], timeoutSeconds: number): string {
  const gw = spec.gateway;
  const q = shellQuote;
  const lines = [
    `NS=${q(spec.namespace)}`,
    `TIMEOUT=${q(timeoutSeconds)}`,
    `PREFLIGHT=${q(PREFLIGHT_SECONDS)}`,
    `ADMIN_SCHEME=${q(gw.adminScheme)}`,
    `ADMIN_PORT=${q(gw.adminPort)}`,
    `DBLESS=${spec.database === 'off' ? 'true' : 'false'}`,
    PRELUDE.trimEnd(),
    ...[...new Set(checks.flatMap((c) => NEEDS[c.check === 'flavor' && !gw.adminReachable ? 'flavor-pods' : c.check]))]
      .sort((a, b) => Object.keys(FUNCTIONS).indexOf(a) - Object.keys(FUNCTIONS).indexOf(b))
      .map((f) => FUNCTIONS[f]),
    `echo ${q(`gate ${phaseId}: ${checks.length} checks`)}`,
  ];
  for (const c of checks) lines.push(checkLine(spec, c));
  lines.push(`echo ${q(`gate ${phaseId}: passed`)}`);
  return lines.join('\n') + '\n';
}

/** Why pods may answer the gate but not the pod proxy, added to a failed flavor check. */
const ADMIN_HINT = '; an admin API that needs a client certificate answers 400 to the pod proxy';

/** The script line that runs one check: a function and its arguments, each quoted. */
function checkLine(spec: ResolvedSpec, c: GateCheck): string {
  const call = (...words: (string | number)[]) => shellWords(words);
  switch (c.check) {
    case 'admin-reachable':
      return call('preflight', c.deployment, selectorArg(c.selector));
    case 'rollout':
      return call('wait_rollout', c.deployment);
    case 'flavor':
      return spec.gateway.adminReachable
        ? call('every_pod', c.deployment, selectorArg(c.selector), c.replicas, `run ${c.flavor}${spec.database === 'off' ? ' with a configuration' : ''}`, ADMIN_HINT, 'flavor_on_admin', c.flavor)
        : call('every_pod', c.deployment, selectorArg(c.selector), c.replicas, `run ${c.flavor} and are Ready`, '', 'flavor_in_pod', c.flavor, spec.gateway.container);
    case 'scaled-down':
      return call('check_scaled_down', c.deployment, selectorArg(c.selector));
    case 'endpoints':
      return call('check_endpoints', c.service, selectorArg(c.selector), c.soakSeconds);
    case 'removed':
      return call('check_removed', c.kind.toLowerCase(), c.name);
    case 'routes':
      return call('check_routes', c.deployment, selectorArg(c.selector), c.shape, c.everyPod ? 'all' : 'one', c.filterTag ? encodeURIComponent(c.filterTag) : '');
  }
}

/**
 * The RBAC a gate needs: reads only, named objects where Kubernetes allows it. `pods/proxy`
 * (HTTP GET to any port of any pod in the namespace) only when a check reads the admin API:
 * a sidecar's admin API listens on localhost, and its flavor check reads the pod spec instead.
 */
export function gateRules(checks: readonly GateCheck[], adminReachable = true): k8s.PolicyRule[] {
  const uniq = (xs: string[]) => [...new Set(xs)].sort();
  const deployments = uniq(
    checks.flatMap((c) =>
      c.check === 'rollout' || c.check === 'flavor' ? [c.deployment] : c.check === 'removed' && c.kind === 'Deployment' ? [c.name] : [],
    ),
  );
  const services = uniq(checks.flatMap((c) => (c.check === 'removed' && c.kind === 'Service' ? [c.name] : [])));
  const rules: k8s.PolicyRule[] = [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }];
  if (checks.some((c) => (c.check === 'flavor' && adminReachable) || c.check === 'routes' || c.check === 'admin-reachable')) {
    rules.push({ apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'] });
  }
  if (deployments.length) {
    // `kubectl rollout status` gets, then watches the Deployment by name (a field selector RBAC honours).
    rules.push({ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'], resourceNames: deployments });
  }
  if (services.length) rules.push({ apiGroups: [''], resources: ['services'], verbs: ['get'], resourceNames: services });
  // EndpointSlices are found by the label kubernetes.io/service-name: a list, which resourceNames cannot narrow.
  if (checks.some((c) => c.check === 'endpoints')) rules.push({ apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] });
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
      rules: gateRules(props.checks, props.spec.gateway.adminReachable),
      description: `Gate of phase ${props.phaseId}: ${props.checks.map((c) => c.check).join(', ')}`,
    });
  }
}
