/**
 * The model checker: breadth-first exploration of every interleaving of pod starts, readiness,
 * removals, controller (re)starts, leader elections and config pushes, over a counting
 * abstraction (pods of one template and configuration are interchangeable, so a state is a
 * vector of counts). Then the invariants:
 * - capacity: while a zero-downtime phase runs, serving gateways behind the proxy Service
 *   never drop below replicas - maxUnavailable;
 * - progress: from every reachable state the goal stays reachable by the system alone (the
 *   adversary's restarts and discovery orders may make things worse, never better);
 * - convergence: the runs that end, end with every gateway on its target, the controller's
 *   shape matching what its gateways run, and every gateway holding that config;
 * - acceptance: a config a gateway rejects is a warning when it heals, a violation when the
 *   rejecting gateway is part of a stuck state.
 */
import { FLAVORS, Flavor, RouteShape } from '../model/flavor';
import { Verdict, Violation } from '../plan/types';
import { InputError } from '../spec/errors';
import { CONFIGS, ConfigIdx, Model, accepts, emits, refusalReason, shapeIdx } from './model';

/** A state: phases applied, pod counts per class, leaders per election, stored route shape. */
interface State {
  /** Index into model.phases of the phase last applied (0: the initial state). */
  readonly p: number;
  /** gw[t * 3 + cfg]: gateway pods of template t holding config cfg. */
  readonly gw: number[];
  /** ctl[t * 4 + s]: controller pods of template t; s = 0 starting, 1 + flavor index when running. */
  readonly ctl: number[];
  /** Per election: the leader's class (ctl index), or the gateway template of a sidecar leader; -1 none. */
  readonly leader: number[];
  /** Postgres: the shape of the stored routes (1 fields, 2 expressions). */
  readonly db: ConfigIdx;
}

interface Step {
  readonly state: State;
  /** Built only when needed (a trace, a warning): most steps reach a state already seen. */
  readonly label: () => string;
  readonly adversary: boolean;
  /** A gateway rejected a config in this step (for acceptance warnings). */
  readonly rejection?: string;
  /**
   * Steps of one state that share a choice are the outcomes of one move whose outcome nobody
   * controls (which root a controller reads first, which pod wins a lease, whether a removed pod
   * held it): progress must hold for every outcome.
   */
  readonly choice?: string;
}

export interface ExploreOptions {
  /** The adversary restarts controllers (and moves leases) at any step. @default true */
  readonly controllerRestarts?: boolean;
  /** Refuse to explore more than this many states. @default 3_000_000 */
  readonly maxStates?: number;
  /** Report violations only in phases for which this holds (rollback branches). @default all */
  readonly judge?: (phase: number) => boolean;
  /** Collects the label of every transition explored (for tests and debugging). @default none */
  readonly labels?: Set<string>;
  /** Stop at the first deadlock (its trace is the counterexample). @default true */
  readonly stopAtDeadlock?: boolean;
}

/** A state's identity as text: readable, for any counts. */
const keyOf = (s: State) => `${s.p}/${s.gw.join(',')}/${s.ctl.join(',')}/${s.leader.join(',')}/${s.db}`;

/**
 * The same identity packed one UTF-16 unit per number (several times cheaper to build and
 * hash). Unambiguous because a model's vectors have fixed lengths; only for models whose
 * numbers stay below 0xFFFF (leaders are shifted by one so -1 fits).
 */
const packedKeyOf = (s: State) => String.fromCharCode(s.p, s.db, ...s.gw, ...s.ctl, ...s.leader.map((l) => l + 1));

/** Decodes a packed key (see packedKeyOf) back into its state. */
function unpackKey(k: string, gwTemplates: number, ctlTemplates: number, elections: number): State {
  const at = (i: number) => k.charCodeAt(i);
  const gw = new Array<number>(gwTemplates * 3);
  const ctl = new Array<number>(ctlTemplates * 4);
  const leader = new Array<number>(elections);
  let o = 2;
  for (let i = 0; i < gw.length; i++) gw[i] = at(o++);
  for (let i = 0; i < ctl.length; i++) ctl[i] = at(o++);
  for (let i = 0; i < leader.length; i++) leader[i] = at(o++) - 1;
  return { p: at(0), db: at(1) as ConfigIdx, gw, ctl, leader };
}

/** A growable list of 32-bit integers: millions of entries without a boxed number each. */
class IntList {
  private data = new Int32Array(1024);
  public length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }

  get(i: number): number {
    return this.data[i];
  }
}

/** The first index below `n` for which `f` holds, or -1. */
function firstIndex(n: number, f: (i: number) => boolean): number {
  for (let i = 0; i < n; i++) if (f(i)) return i;
  return -1;
}

/**
 * The exploration needs more states than it may explore: the plan is too large to check as
 * given. An input error (exit 2) that says what to change, never a crash after a minute.
 */
export class VerifierBudgetError extends InputError {
  constructor(public readonly maxStates: number) {
    super({
      path: 'spec.gateway.replicas',
      message: `the verifier needs more than ${maxStates} states to check this plan (about 30 per gateway replica rolled one at a time); raise spec.gateway.maxSurge (a larger surge rolls more pods per step) or migrate the gateways in smaller Deployments`,
    });
  }
}

const flavorOfStatus = (s: number): Flavor => FLAVORS[s - 1];

/**
 * What a rollout decides on, for the pods of one Deployment: all of them, those of the desired
 * template ("fresh"), and how many of each are Ready. Classes are `width` wide per template.
 */
function rolloutCounts(counts: readonly number[], tpls: readonly number[], width: number, desired: number, isReady: (t: number, cls: number) => boolean) {
  let total = 0;
  let fresh = 0;
  let freshReady = 0;
  let ready = 0;
  for (const t of tpls) {
    for (let c = 0; c < width; c++) {
      const n = counts[t * width + c];
      if (!n) continue;
      const r = isReady(t, c) ? n : 0;
      total += n;
      ready += r;
      if (t === desired) {
        fresh += n;
        freshReady += r;
      }
    }
  }
  return { total, fresh, freshReady, ready };
}

/** Explores the model and judges it. */
export function explore(m: Model, options: ExploreOptions = {}): Verdict {
  return exploreJudged(m, options, [options.judge ?? (() => true)])[0];
}

/**
 * Explores the model once and judges it once per group of phases (`judges[i](phase)` says
 * whether a phase belongs to group i): one verdict per group.
 */
export function exploreJudged(m: Model, options: ExploreOptions, judges: readonly ((phase: number) => boolean)[]): Verdict[] {
  const adversaryOn = options.controllerRestarts ?? true;
  const maxStates = options.maxStates ?? 3_000_000;
  // No pod count exceeds replicas + maxSurge of every Deployment in every phase together.
  const mostPods = [...m.gwDesire, ...m.ctlDesire].flat().reduce((n, d) => n + d.replicas + d.maxSurge, 0);
  const stateKey = mostPods < 0xfff0 && m.phases.length < 0xfff0 && m.gwTemplates.length * 4 < 0xfff0 && m.ctlTemplates.length * 4 < 0xfff0 ? packedKeyOf : keyOf;
  const judged = (p: number) => judges.some((j) => j(p));
  const stopAtDeadlock = (options.stopAtDeadlock ?? true) && judges.length === 1;
  const G = m.gwTemplates.length;
  const C = m.ctlTemplates.length;

  const gwOfDep = (dep: number) => m.gwTemplates.map((t, i) => (t.dep === dep ? i : -1)).filter((i) => i >= 0);
  const ctlOfDep = (dep: number) => m.ctlTemplates.map((t, i) => (t.dep === dep ? i : -1)).filter((i) => i >= 0);
  const gwTplsByDep = m.gatewayNames.map((_, d) => gwOfDep(d));
  const ctlTplsByDep = m.controllerNames.map((_, d) => ctlOfDep(d));
  const electionOf = (t: number) => m.elections.indexOf(m.ctlTemplates[t].electionId);

  /** Postgres gateways are Ready once started; DB-less ones need a config from Kong 3.3 on. */
  const gwReady = (cfg: number) => m.postgres || !m.readyNeedsConfig || cfg !== 0;
  const gwServing = (t: number, cfg: number, db: ConfigIdx) =>
    gwReady(cfg) && (m.postgres ? accepts(m, m.gwTemplates[t].flavor, CONFIGS[db] as RouteShape) : cfg !== 0);

  /** The shape the leader of a class emits. */
  const leaderShape = (cls: number): RouteShape => emits(m, m.ctlTemplates[Math.floor(cls / 4)], flavorOfStatus(cls % 4));

  const serving = (s: State) => {
    let n = 0;
    for (let t = 0; t < G; t++) if (m.proxySelects[s.p][t]) for (let c = 0; c < 3; c++) if (s.gw[t * 3 + c] && gwServing(t, c, s.db)) n += s.gw[t * 3 + c];
    return n;
  };

  const depConverged = (s: State, kind: 'gw' | 'ctl', d: number): boolean => {
    const desire = kind === 'gw' ? m.gwDesire[s.p][d] : m.ctlDesire[s.p][d];
    const tpls = kind === 'gw' ? gwTplsByDep[d] : ctlTplsByDep[d];
    let count = 0;
    for (const t of tpls) {
      if (kind === 'gw') {
        for (let c = 0; c < 3; c++) {
          const n = s.gw[t * 3 + c];
          if (!n) continue;
          if (!desire.exists || t !== desire.template || !gwReady(c)) return false;
          count += n;
        }
      } else {
        for (let st = 0; st < 4; st++) {
          const n = s.ctl[t * 4 + st];
          if (!n) continue;
          if (!desire.exists || t !== desire.template || st === 0) return false;
          count += n;
        }
      }
    }
    return count === (desire.exists ? desire.replicas : 0);
  };

  const sameDesire = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  /** Per phase: the Deployments it changes (the ones its gate waits for). */
  const touchedGw = m.phases.map((_, p) => m.gatewayNames.map((__, d) => p > 0 && !sameDesire(m.gwDesire[p][d], m.gwDesire[p - 1][d])));
  const touchedCtl = m.phases.map((_, p) => m.controllerNames.map((__, d) => p > 0 && !sameDesire(m.ctlDesire[p][d], m.ctlDesire[p - 1][d])));
  const configured = (s: State, d: number) => m.postgres || gwTplsByDep[d].every((t) => s.gw[t * 3] === 0);

  /** The phase's gate: every Deployment it changed has rolled out, and its gateways hold a config. */
  const gateHolds = (s: State) =>
    m.gatewayNames.every((_, d) => !touchedGw[s.p][d] || (depConverged(s, 'gw', d) && configured(s, d))) &&
    m.controllerNames.every((_, d) => !touchedCtl[s.p][d] || (depConverged(s, 'ctl', d) && routesWritten(s, d)));

  /**
   * A (re)started controller's gate also waits until the routes are in the shape it sends:
   * Postgres, the stored routes; DB-less, every pod of every gateway it discovers.
   */
  const routesWritten = (s: State, d: number) => {
    if (m.sidecar || !(m.postgres || m.podRoutesGate) || !m.ctlDesire[s.p][d].exists || m.ctlDesire[s.p][d].replicas === 0) return true;
    const tpl = m.ctlDesire[s.p][d].template;
    const l = s.leader[electionOf(tpl)];
    if (l < 0) return false;
    const shape = shapeIdx(leaderShape(l));
    if (m.postgres) return s.db === shape;
    return discovered(s, tpl).every((t) => s.gw[t * 3 + shape] === s.gw[t * 3] + s.gw[t * 3 + 1] + s.gw[t * 3 + 2]);
  };

  /** Everything settled (the goal's first half). */
  const allConverged = (s: State) =>
    m.gatewayNames.every((_, d) => depConverged(s, 'gw', d) && configured(s, d)) && m.controllerNames.every((_, d) => depConverged(s, 'ctl', d));

  /** Live gateway templates a controller template discovers at this phase, with their pod counts. */
  const discovered = (s: State, ctlTpl: number) => m.discovers[s.p][ctlTpl].filter((t) => s.gw[t * 3] + s.gw[t * 3 + 1] + s.gw[t * 3 + 2] > 0);

  /**
   * The goal: the last phase applied and settled, every gateway holding the config its
   * controller sends and accepting it. For the end of a migration (`final`), also: the
   * controller emits what its gateways' flavor calls for (it detected the target).
   */
  const isGoal = (s: State): boolean => {
    const kind = m.goals[s.p];
    if (kind === 'none' || !allConverged(s)) return false;
    const strict = kind === 'final';
    const live = (t: number) => s.gw[t * 3] + s.gw[t * 3 + 1] + s.gw[t * 3 + 2];
    if (m.sidecar) {
      if (m.postgres) {
        if (m.gwTemplates.every((_, i) => live(i) === 0)) return true;
        const l = s.leader[0];
        if (l < 0) return false;
        const shape = m.gwTemplates[l].ownShape!;
        return s.db === shapeIdx(shape) && m.gwTemplates.every((t, i) => live(i) === 0 || (accepts(m, t.flavor, shape) && (!strict || t.ownShape === shape)));
      }
      return m.gwTemplates.every((t, i) => live(i) === 0 || s.gw[i * 3 + shapeIdx(t.ownShape!)] === live(i));
    }
    for (let e = 0; e < m.elections.length; e++) {
      const runningTpls = m.ctlTemplates.map((t, i) => (t.electionId === m.elections[e] && s.ctl.slice(i * 4 + 1, i * 4 + 4).some((n) => n > 0) ? i : -1)).filter((i) => i >= 0);
      if (runningTpls.length === 0) continue;
      const found = [...new Set(runningTpls.flatMap((t) => discovered(s, t)))];
      if (found.length === 0) continue;
      const l = s.leader[e];
      if (l < 0) return false;
      const tpl = Math.floor(l / 4);
      const shape = leaderShape(l);
      if (found.some((t) => !accepts(m, m.gwTemplates[t].flavor, shape))) return false;
      if (strict) {
        const flavors = new Set(found.map((t) => m.gwTemplates[t].flavor));
        if (flavors.size !== 1 || emits(m, m.ctlTemplates[tpl], [...flavors][0]) !== shape) return false;
      }
      if (m.postgres) {
        if (s.db !== shapeIdx(shape)) return false;
      } else if (found.some((t) => s.gw[t * 3 + shapeIdx(shape)] !== live(t))) return false;
    }
    return true;
  };

  const name = (kind: 'gw' | 'ctl', t: number) => (kind === 'gw' ? m.gatewayNames[m.gwTemplates[t].dep] : m.controllerNames[m.ctlTemplates[t].dep]);
  const describeGw = (t: number) => `${m.gwTemplates[t].flavor}`;

  /** Successors of a state: system steps, then adversary steps. */
  function successors(s: State): Step[] {
    const out: Step[] = [];
    const with_ = (patch: Partial<State>): State => ({ ...s, ...patch });
    const gwAdd = (t: number, c: number, delta: number, base = s.gw) => {
      const gw = base.slice();
      gw[t * 3 + c] += delta;
      return gw;
    };
    const ctlAdd = (i: number, delta: number, base = s.ctl) => {
      const ctl = base.slice();
      ctl[i] += delta;
      return ctl;
    };

    // Apply the next phase (or a rollback) once the current one's gate holds, where it must.
    for (const edge of m.edges[s.p]) {
      if (!edge.gated || gateHolds(s)) out.push({ state: with_({ p: edge.to }), label: () => `apply phase ${m.phases[edge.to].id}`, adversary: false });
    }

    // Gateway Deployments.
    m.gatewayNames.forEach((depName, d) => {
      const desire = m.gwDesire[s.p][d];
      const tpls = gwTplsByDep[d];
      const { total, fresh, freshReady, ready } = rolloutCounts(s.gw, tpls, 3, desire.template, (_, c) => gwReady(c));
      if (!desire.exists) {
        if (total > 0) {
          const gw = s.gw.slice();
          for (const t of tpls) for (let c = 0; c < 3; c++) gw[t * 3 + c] = 0;
          out.push({ state: removeGwLeader(with_({ gw }), tpls), label: () => `${depName}: Deployment deleted, its ${total} pods go`, adversary: false });
        }
        return;
      }
      const R = desire.replicas;
      // The Deployment controller scales the new ReplicaSet up by all the budget allows at once,
      // and the ReplicaSet creates those pods together.
      const burst = Math.min(R - fresh, R + desire.maxSurge - total);
      if (burst > 0) {
        out.push({
          state: with_({ gw: gwAdd(desire.template, 0, burst) }),
          label: () => `${depName}: ${burst === 1 ? 'a new pod starts' : `${burst} new pods start`} (${describeGw(desire.template)}${m.postgres ? '' : ', no config yet'}; ${fresh + burst}/${R} new, ${total - fresh} old)`,
          adversary: false,
        });
      }
      // The Deployment controller scales the old ReplicaSets down by all the budget allows at
      // once (unready pods first), and scales a surplus down in one go.
      const minAvailable = R - desire.maxUnavailable;
      const maxScaledDown = total - minAvailable - (fresh - freshReady);
      const take = (isOld: boolean, limit: number) => {
        const gw = s.gw.slice();
        let budget = limit;
        let readyLeft = ready;
        const parts: string[] = [];
        for (const wantReady of [false, true]) {
          for (const t of tpls) {
            if ((t !== desire.template) !== isOld) continue;
            for (let c = 0; c < 3; c++) {
              if (gwReady(c) !== wantReady || !gw[t * 3 + c]) continue;
              const k = Math.min(budget, gw[t * 3 + c], wantReady && isOld ? readyLeft - minAvailable : Infinity);
              if (k <= 0) continue;
              gw[t * 3 + c] -= k;
              budget -= k;
              if (wantReady) readyLeft -= k;
              parts.push(`${k} ${wantReady ? 'Ready' : 'unready'} ${describeGw(t)}${m.postgres ? '' : `/${CONFIGS[c]}`}`);
            }
          }
        }
        return { gw, parts };
      };
      for (const isOld of [true, false]) {
        const limit = isOld ? maxScaledDown : fresh - R;
        if (limit <= 0) continue;
        const { gw, parts } = take(isOld, limit);
        if (parts.length === 0) continue;
        const label = () => `${depName}: ${isOld ? 'old' : 'surplus'} pods removed (${parts.join(', ')})`;
        for (const st of leaderRemovalBranches(s, with_({ gw }), tpls)) out.push({ state: st, label, adversary: false, choice: `gw-rm:${d}:${isOld}` });
      }
    });

    // Controller Deployments (separate topology).
    m.controllerNames.forEach((depName, d) => {
      const desire = m.ctlDesire[s.p][d];
      const tpls = ctlTplsByDep[d];
      const { total, fresh, freshReady, ready } = rolloutCounts(s.ctl, tpls, 4, desire.template, (_, st) => st > 0);
      if (!desire.exists) {
        if (total > 0) {
          let state = s;
          for (const t of tpls) for (let st = 0; st < 4; st++) if (s.ctl[t * 4 + st]) state = dropLeaderIf(state, t * 4 + st, true);
          const ctl = state.ctl.slice();
          for (const t of tpls) for (let st = 0; st < 4; st++) ctl[t * 4 + st] = 0;
          out.push({ state: { ...state, ctl }, label: () => `${depName}: Deployment deleted`, adversary: false });
        }
        return;
      }
      const R = desire.replicas;
      const burst = Math.min(R - fresh, R + desire.maxSurge - total);
      if (burst > 0) {
        out.push({ state: with_({ ctl: ctlAdd(desire.template * 4, burst) }), label: () => `${depName}: ${burst === 1 ? 'a new controller pod is created' : `${burst} new controller pods are created`}`, adversary: false });
      }
      const minAvailable = R - desire.maxUnavailable;
      const maxScaledDown = total - minAvailable - (fresh - freshReady);
      for (const t of tpls) {
        const isOld = t !== desire.template;
        for (let st = 0; st < 4; st++) {
          const n = s.ctl[t * 4 + st];
          if (!n) continue;
          const r = st > 0;
          const allowed = isOld ? maxScaledDown > 0 && (!r || ready - 1 >= minAvailable) : fresh > R;
          if (!allowed) continue;
          const cls = t * 4 + st;
          const removed = with_({ ctl: ctlAdd(cls, -1) });
          const label = () => `${depName}: ${isOld ? 'an old' : 'a surplus'} controller pod${st > 0 ? ` (detected ${flavorOfStatus(st)})` : ''} is removed`;
          for (const branch of ctlRemovalBranches(removed, cls, n)) out.push({ state: branch.state, label: () => label() + branch.note, adversary: false, choice: `ctl-rm:${cls}` });
        }
      }
      // A starting pod discovers gateways and detects the flavor of the first root it reads.
      for (const t of tpls) {
        if (!s.ctl[t * 4]) continue;
        const found = discovered(s, t);
        const flavors = [...new Set(found.map((g) => m.gwTemplates[g].flavor))].sort();
        for (const f of flavors) {
          const ctl = ctlAdd(t * 4, -1);
          ctl[t * 4 + 1 + FLAVORS.indexOf(f)] += 1;
          const shape = emits(m, m.ctlTemplates[t], f);
          out.push({
            state: with_({ ctl }),
            label: () => `${depName}: a controller pod starts and detects ${f}${flavors.length > 1 ? ` (first root of ${flavors.join('/')} gateways)` : ''}: it will emit ${shape} routes`,
            adversary: false,
            choice: `start:${t}`,
          });
        }
      }
    });

    // Leader election.
    if (m.leaderElection) {
      if (m.sidecar) {
        if (s.leader[0] < 0) {
          for (let t = 0; t < G; t++) {
            if (s.gw[t * 3] + s.gw[t * 3 + 1] + s.gw[t * 3 + 2] === 0) continue;
            const leader = s.leader.slice();
            leader[0] = t;
            out.push({ state: with_({ leader }), label: () => `the controller in a ${name('gw', t)} pod (${m.gwTemplates[t].flavor}) becomes leader`, adversary: false, choice: 'lease' });
          }
        }
      } else {
        for (let e = 0; e < m.elections.length; e++) {
          if (s.leader[e] >= 0) continue;
          for (let t = 0; t < C; t++) {
            if (electionOf(t) !== e) continue;
            for (let st = 1; st < 4; st++) {
              if (!s.ctl[t * 4 + st]) continue;
              const leader = s.leader.slice();
              leader[e] = t * 4 + st;
              out.push({ state: with_({ leader }), label: () => `${name('ctl', t)}: a pod that detected ${flavorOfStatus(st)} takes the lease ${m.elections[e]}`, adversary: false, choice: `lease:${e}` });
            }
          }
        }
      }
    }

    // Config pushes and database writes.
    if (m.sidecar && !m.postgres) {
      for (let t = 0; t < G; t++) {
        const n = s.gw[t * 3];
        if (!n) continue;
        const shape = m.gwTemplates[t].ownShape!;
        if (accepts(m, m.gwTemplates[t].flavor, shape)) {
          out.push({ state: with_({ gw: gwAdd(t, shapeIdx(shape), n, gwAdd(t, 0, -n)) }), label: () => `${name('gw', t)}: the controllers of ${n} new pod(s) push ${shape} routes; their ${m.gwTemplates[t].flavor} gateways accept`, adversary: false });
        } else {
          out.push({
            state: s,
            label: () => `${name('gw', t)}: the controller of a new pod pushes ${shape} routes; its ${m.gwTemplates[t].flavor} gateway rejects them (400)${refusalReason(m, m.gwTemplates[t].flavor, shape)} and holds no config`,
            adversary: false,
            rejection: `${m.gwTemplates[t].flavor} gateways reject ${shape} routes from their own controller`,
          });
        }
      }
    } else if (m.sidecar && m.postgres) {
      const l = s.leader[0];
      if (l >= 0) {
        const shape = m.gwTemplates[l].ownShape!;
        if (s.db !== shapeIdx(shape)) {
          if (accepts(m, m.gwTemplates[l].flavor, shape)) out.push({ state: with_({ db: shapeIdx(shape) }), label: () => `the leader writes the routes as ${shape} into Postgres`, adversary: false });
        }
      }
    } else {
      for (let e = 0; e < m.elections.length; e++) {
        const l = s.leader[e];
        if (l < 0) continue;
        const tpl = Math.floor(l / 4);
        const shape = leaderShape(l);
        const found = discovered(s, tpl);
        if (m.postgres) {
          if (s.db === shapeIdx(shape)) continue;
          const ok = found.filter((t) => accepts(m, m.gwTemplates[t].flavor, shape));
          const bad = found.filter((t) => !accepts(m, m.gwTemplates[t].flavor, shape));
          if (ok.length) out.push({ state: with_({ db: shapeIdx(shape) }), label: () => `${name('ctl', tpl)} leader writes the routes as ${shape} into Postgres (through a ${m.gwTemplates[ok[0]].flavor} gateway)`, adversary: false });
          if (bad.length) {
            out.push({
              state: s,
              label: () => `${name('ctl', tpl)} leader writes ${shape} routes through a ${m.gwTemplates[bad[0]].flavor} gateway: rejected (400)`,
              adversary: false,
              rejection: `${m.gwTemplates[bad[0]].flavor} gateways reject ${shape} routes`,
            });
          }
          continue;
        }
        const gw = s.gw.slice();
        const target = shapeIdx(shape);
        const rejected: string[] = [];
        let changed = false;
        for (const t of found) {
          const g = m.gwTemplates[t];
          if (accepts(m, g.flavor, shape)) {
            for (const c of [0, 1, 2]) {
              if (c !== target && gw[t * 3 + c]) {
                gw[t * 3 + target] += gw[t * 3 + c];
                gw[t * 3 + c] = 0;
                changed = true;
              }
            }
          } else {
            const n = gw[t * 3] + gw[t * 3 + 1] + gw[t * 3 + 2];
            const unconfigured = gw[t * 3];
            rejected.push(`${n} ${g.flavor} pod(s) reject them (400)${refusalReason(m, g.flavor, shape)}${unconfigured ? `, ${unconfigured} of them with no config at all` : ', keeping their previous config'}`);
          }
        }
        const label = () => `${name('ctl', tpl)} leader (detected ${flavorOfStatus(l % 4)}) pushes ${shape} routes${rejected.length ? `: ${rejected.join('; ')}` : ''}`;
        if (changed || rejected.length) {
          out.push({
            state: changed ? with_({ gw }) : s,
            label,
            adversary: false,
            ...(rejected.length ? { rejection: `gateways reject the ${shape} routes a controller that detected ${flavorOfStatus(l % 4)} sends` } : {}),
          });
        }
      }
    }

    // The adversary: controller restarts (evictions, node drains) and lease moves.
    if (adversaryOn) {
      if (!m.sidecar) {
        for (let t = 0; t < C; t++) {
          for (let st = 1; st < 4; st++) {
            const n = s.ctl[t * 4 + st];
            if (!n) continue;
            const cls = t * 4 + st;
            const ctl = ctlAdd(cls, -1);
            ctl[t * 4] += 1;
            for (const branch of ctlRemovalBranches(with_({ ctl }), cls, n)) {
              out.push({ state: branch.state, label: () => `adversary: a ${name('ctl', t)} pod (detected ${flavorOfStatus(st)}) is restarted${branch.note}`, adversary: true });
            }
          }
        }
      } else if (m.postgres && s.leader[0] >= 0) {
        const leader = s.leader.slice();
        leader[0] = -1;
        out.push({ state: with_({ leader }), label: () => 'adversary: the leader controller restarts and loses the lease', adversary: true });
      }
    }
    return out;
  }

  /** Gateway pods were removed: if a sidecar leader's pod may be among them, both outcomes. */
  function leaderRemovalBranches(before: State, after: State, tpls: readonly number[]): State[] {
    const l = after.leader[0];
    const count = (x: State) => x.gw[l * 3] + x.gw[l * 3 + 1] + x.gw[l * 3 + 2];
    if (!(m.sidecar && m.leaderElection) || l < 0 || !tpls.includes(l) || count(after) === count(before)) return [after];
    const gone = { ...after, leader: [-1] };
    return count(after) > 0 ? [after, gone] : [gone];
  }

  function removeGwLeader(s: State, tpls: number[]): State {
    return m.sidecar && m.leaderElection && tpls.includes(s.leader[0]) ? { ...s, leader: [-1] } : s;
  }

  function dropLeaderIf(s: State, cls: number, cond: boolean): State {
    const e = electionOf(Math.floor(cls / 4));
    if (!cond || s.leader[e] !== cls) return s;
    const leader = s.leader.slice();
    leader[e] = -1;
    return { ...s, leader };
  }

  /** A controller pod of class `cls` left its class: it was the leader, or another pod was. */
  function ctlRemovalBranches(s: State, cls: number, countBefore: number): { state: State; note: string }[] {
    const e = electionOf(Math.floor(cls / 4));
    if (s.leader[e] !== cls) return [{ state: s, note: '' }];
    const branches = [{ state: dropLeaderIf(s, cls, true), note: ' (it held the lease)' }];
    if (countBefore > 1) branches.push({ state: s, note: '' });
    return branches;
  }

  // The initial state: the installation as it runs today, settled.
  const initial = initialState(m);

  // Breadth-first exploration with parent pointers for traces. Every per-state record is a
  // typed array, and a state itself is kept only as its packed key (decoded when visited):
  // 10,000 gateway replicas make some 300,000 states.
  const packed = stateKey === packedKeyOf;
  const ids = new Map<string, number>();
  const keys: string[] = [];
  const objects: State[] = [];
  const parent = new IntList();
  const stateAt = (i: number): State => (packed ? unpackKey(keys[i], G, C, initial.leader.length) : objects[i]);
  const phaseAt = (i: number): number => (packed ? keys[i].charCodeAt(0) : objects[i].p);
  const count = () => (packed ? keys.length : objects.length);
  // The system's moves, flat: move k belongs to state moveOwner[k]; its distinct outcomes are
  // outcomes[moveStart[k] .. moveStart[k + 1]).
  const moveOwner = new IntList();
  const moveStart = new IntList();
  const outcomes = new IntList();
  const terminal = new IntList();
  const warnings = judges.map(() => new Map<string, Violation>());
  const capacityViolations: { id: number; serving: number }[] = [];
  const add = (st: State, from: number): number => {
    const k = stateKey(st);
    let id = ids.get(k);
    if (id === undefined) {
      id = count();
      if (id >= maxStates) throw new VerifierBudgetError(maxStates);
      ids.set(k, id);
      if (packed) keys.push(k);
      else objects.push(st);
      parent.push(from);
    }
    return id;
  };
  add(initial, -1);
  // A deadlock (no system move left, not the goal) settles the verdict: stop there.
  let deadlock = -1;
  for (let i = 0; i < count() && deadlock < 0; i++) {
    const s = stateAt(i);
    if (judged(s.p) && m.phases[s.p].zeroDowntime) {
      const n = serving(s);
      if (n < m.minServing) capacityViolations.push({ id: i, serving: n });
    }
    let systemMoves = 0;
    const moves: number[][] = [];
    const choices = new Map<string, number[]>();
    for (const step of successors(s)) {
      options.labels?.add(step.label());
      if (step.rejection) {
        judges.forEach((j, g) => {
          if (j(s.p) && !warnings[g].has(step.rejection!)) {
            warnings[g].set(step.rejection!, { invariant: 'acceptance', message: `${step.rejection} (transient unless the run gets stuck)`, trace: [...trace(i), step.label()] });
          }
        });
      }
      if (step.state === s) continue;
      const j = add(step.state, i);
      if (step.adversary || j === i) continue;
      systemMoves++;
      if (step.choice === undefined) moves.push([j]);
      else {
        const list = choices.get(step.choice);
        if (list) {
          if (!list.includes(j)) list.push(j);
        } else {
          const fresh = [j];
          choices.set(step.choice, fresh);
          moves.push(fresh);
        }
      }
    }
    for (const list of moves) {
      moveOwner.push(i);
      moveStart.push(outcomes.length);
      for (const j of list) outcomes.push(j);
    }
    terminal.push(systemMoves === 0 ? 1 : 0);
    if (stopAtDeadlock && systemMoves === 0 && judged(s.p) && !isGoal(s)) deadlock = i;
  }
  moveStart.push(outcomes.length);
  const states = count();

  /**
   * The labels of the steps that reached `id`: each found again among its parent's successors
   * (the first step that leads there, as exploration met it), so no label is kept per state.
   */
  function trace(id: number): string[] {
    const out: string[] = [];
    for (let i = id; parent.get(i) >= 0; i = parent.get(i)) {
      const k = stateKey(stateAt(i));
      const step = successors(stateAt(parent.get(i))).find((st) => stateKey(st.state) === k);
      out.push(step ? step.label() : '(a step)');
    }
    out.push('start: the installation as it runs today');
    return out.reverse();
  }

  // Progress is a game: a state can finish when it is a goal, or when the system has a move all
  // of whose outcomes can finish (the adversary's restarts are never moves of the system).
  const canFinish = new Uint8Array(states);
  const moveCount = moveOwner.length;
  const left = new Int32Array(moveCount);
  // The moves each state is an outcome of (compressed rows: byOutcome[rowStart[j] .. rowStart[j + 1])).
  const rowStart = new Int32Array(states + 1);
  for (let k = 0; k < moveCount; k++) {
    left[k] = moveStart.get(k + 1) - moveStart.get(k);
    for (let o = moveStart.get(k); o < moveStart.get(k + 1); o++) rowStart[outcomes.get(o) + 1]++;
  }
  for (let j = 0; j < states; j++) rowStart[j + 1] += rowStart[j];
  const byOutcome = new Int32Array(outcomes.length);
  const fill = rowStart.slice(0, states);
  for (let k = 0; k < moveCount; k++) for (let o = moveStart.get(k); o < moveStart.get(k + 1); o++) byOutcome[fill[outcomes.get(o)]++] = k;
  const queue: number[] = [];
  const won = (i: number) => {
    if (canFinish[i]) return;
    canFinish[i] = 1;
    queue.push(i);
  };
  for (let i = 0; i < states; i++) if (deadlock < 0 && isGoal(stateAt(i))) won(i);
  while (queue.length) {
    const j = queue.pop()!;
    for (let r = rowStart[j]; r < rowStart[j + 1]; r++) {
      const k = byOutcome[r];
      if (--left[k] === 0) won(moveOwner.get(k));
    }
  }

  return judges.map((judge, g) => {
    const violations: Violation[] = [];
    const capacity = capacityViolations.find((c) => judge(phaseAt(c.id)));
    if (capacity) {
      violations.push({
        invariant: 'capacity',
        message: `only ${capacity.serving} gateways can serve behind the proxy Service during phase ${m.phases[phaseAt(capacity.id)].id}; at least ${m.minServing} must (replicas ${m.replicas} - maxUnavailable ${m.maxUnavailable})`,
        trace: trace(capacity.id),
      });
    }
    // Report a deadlock (no system move left) when there is one: its trace shows how it arises.
    const isStuck = (i: number) => !canFinish[i] && judge(phaseAt(i));
    let stuck = deadlock >= 0 && judge(phaseAt(deadlock)) ? deadlock : firstIndex(states, (i) => isStuck(i) && terminal.get(i) === 1);
    if (stuck < 0) stuck = firstIndex(states, isStuck);
    if (stuck >= 0) {
      const s = stateAt(stuck);
      // Everything rolled out but the controller or the configs are wrong: convergence; a rollout or gate stuck: progress.
      const done = m.goals[s.p] !== 'none' && terminal.get(stuck) === 1 && allConverged(s);
      // Does a gateway that never got a config keep rejecting what its controller sends?
      const wedged = wedgedRejection(s);
      const stuckTrace = [...trace(stuck), ...(wedged ? [`${wedged}: stuck`] : [])];
      violations.push({
        invariant: done ? 'convergence' : 'progress',
        message: done
          ? `the run ends without converging: ${describeState(s)}`
          : `from here no schedule completes the plan without a lucky controller restart: ${describeState(s)}`,
        trace: stuckTrace,
      });
      if (wedged) violations.push({ invariant: 'acceptance', message: `${wedged}, so it never becomes Ready`, trace: stuckTrace });
    }
    return { safe: violations.length === 0, statesExplored: states, violations, warnings: [...warnings[g].values()] };
  });

  function wedgedRejection(s: State): string | undefined {
    if (m.postgres) return undefined;
    for (let t = 0; t < G; t++) {
      if (!s.gw[t * 3]) continue;
      const g = m.gwTemplates[t];
      if (m.sidecar) {
        if (!accepts(m, g.flavor, g.ownShape!)) return `a ${g.flavor} pod of ${name('gw', t)} rejects the ${g.ownShape} routes of its own controller${refusalReason(m, g.flavor, g.ownShape!)}`;
        continue;
      }
      for (let e = 0; e < m.elections.length; e++) {
        const l = s.leader[e];
        if (l >= 0 && m.discovers[s.p][Math.floor(l / 4)].includes(t) && !accepts(m, g.flavor, leaderShape(l))) {
          return `a new ${g.flavor} pod of ${name('gw', t)} rejects the ${leaderShape(l)} routes the controller (detected ${flavorOfStatus(l % 4)}) sends${refusalReason(m, g.flavor, leaderShape(l))} and holds no config`;
        }
      }
    }
    return undefined;
  }

  function describeState(s: State): string {
    const parts: string[] = [];
    m.gatewayNames.forEach((n, d) => {
      const pods = gwTplsByDep[d].flatMap((t) => [0, 1, 2].filter((c) => s.gw[t * 3 + c]).map((c) => `${s.gw[t * 3 + c]} ${m.gwTemplates[t].flavor}${m.postgres ? '' : `/${CONFIGS[c]}`}`));
      if (pods.length) parts.push(`${n}: ${pods.join(', ')}`);
    });
    m.controllerNames.forEach((n, d) => {
      const pods = ctlTplsByDep[d].flatMap((t) => [0, 1, 2, 3].filter((st) => s.ctl[t * 4 + st]).map((st) => `${s.ctl[t * 4 + st]} ${st ? `detected ${flavorOfStatus(st)}` : 'starting'}`));
      if (pods.length) parts.push(`${n}: ${pods.join(', ')}`);
    });
    if (m.postgres) parts.push(`stored routes: ${CONFIGS[s.db]}`);
    return parts.join('; ');
  }

}

/** The installation as it runs before the plan: every Deployment settled, configs pushed. */
function initialState(m: Model): State {
  const gw = new Array(m.gwTemplates.length * 3).fill(0);
  const ctl = new Array(m.ctlTemplates.length * 4).fill(0);
  const leader = new Array(Math.max(1, m.elections.length)).fill(-1);
  const from = m.from;
  let db: ConfigIdx = 1;
  m.ctlDesire[0].forEach((d) => {
    if (d.exists && d.replicas > 0) ctl[d.template * 4 + 1 + FLAVORS.indexOf(from)] += d.replicas;
  });
  // The running controllers detected `from`; the leader's shape is what the gateways hold.
  const shapes: Record<string, RouteShape> = {};
  m.ctlDesire[0].forEach((d) => {
    if (!d.exists || d.replicas === 0) return;
    const t = m.ctlTemplates[d.template];
    const e = m.elections.indexOf(t.electionId);
    if (leader[e] < 0) leader[e] = d.template * 4 + 1 + FLAVORS.indexOf(from);
    shapes[t.adminService] = emits(m, t, from);
  });
  m.gwDesire[0].forEach((d) => {
    if (!d.exists) return;
    const t = m.gwTemplates[d.template];
    let shape: RouteShape | undefined;
    if (m.sidecar) shape = t.ownShape;
    else {
      const ctlTpl = m.ctlTemplates.findIndex((c, i) => m.discovers[0][i].includes(d.template) && shapes[c.adminService] !== undefined);
      shape = ctlTpl >= 0 ? shapes[m.ctlTemplates[ctlTpl].adminService] : undefined;
    }
    if (m.postgres) {
      gw[d.template * 3] += d.replicas;
      if (shape) db = shapeIdx(shape);
    } else {
      gw[d.template * 3 + (shape && accepts(m, t.flavor, shape) ? shapeIdx(shape) : 0)] += d.replicas;
    }
  });
  if (m.sidecar && m.postgres) {
    const first = m.gwDesire[0].find((d) => d.exists && d.replicas > 0);
    if (first) leader[0] = first.template;
  }
  return { p: 0, gw, ctl, leader, db };
}
