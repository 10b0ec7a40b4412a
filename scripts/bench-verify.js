#!/usr/bin/env node
/**
 * The verifier's cost: states explored, wall time and heap for plans at 3, 10, 100 and 1000
 * replicas, with the controller-restart adversary on. Run `npm run build` first.
 */
const path = require('path');
const { loadSpec } = require('../lib/src/spec');
const { planMigration } = require('../lib/src/plan');
const { verifyPlan, verifyNaive, forgetVerdicts } = require('../lib/src/verify');
const { resolveBudget } = require('../lib/src/spec/intOrPercent');

const EXAMPLES = ['dbless-to-expressions', 'seed-expressions-to-traditional', 'postgres-to-expressions', 'maintenance-window'];

function withReplicas(spec, replicas) {
  const g = spec.gateway;
  return { ...spec, gateway: { ...g, replicas, budget: resolveBudget(g.maxSurge, g.maxUnavailable, replicas) } };
}

console.log('verify (adversary on): states explored, wall time, heap used after the run');
console.log(`${'plan'.padEnd(46)} ${'replicas'.padStart(8)} ${'states'.padStart(9)} ${'time'.padStart(9)} ${'heap'.padStart(8)}`);
for (const name of EXAMPLES) {
  const base = loadSpec(path.join(__dirname, '..', 'examples', `${name}.yaml`));
  for (const replicas of [3, 10, 100, 1000]) {
    const spec = withReplicas(base, replicas);
    const result = planMigration(spec);
    if (result.kind !== 'plan') continue;
    forgetVerdicts(); // each line measures an exploration, not a remembered verdict
    if (global.gc) global.gc();
    const t = process.hrtime.bigint();
    const verdict = verifyPlan(spec, result.plan);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const heap = process.memoryUsage().heapUsed / 1048576;
    console.log(
      `${`${name} (${result.plan.strategy})`.padEnd(46)} ${String(replicas).padStart(8)} ${String(verdict.statesExplored).padStart(9)} ${`${ms.toFixed(0)} ms`.padStart(9)} ${`${heap.toFixed(0)} MiB`.padStart(8)}${verdict.safe ? '' : '  UNSAFE'}`,
    );
  }
}
// Issue 13 targets: 10,000 gateway replicas under 3 s and 400 MiB; controller replicas do not multiply the states.
console.log('\nbudget (adversary on): gateway and controller replicas of dbless-to-expressions');
const budgetBase = loadSpec(path.join(__dirname, '..', 'examples', 'dbless-to-expressions.yaml'));
for (const [gw, ctl] of [[10000, 1], [3, 1], [3, 2], [3, 100], [1000, 100]]) {
  const spec = { ...withReplicas(budgetBase, gw), controller: { ...budgetBase.controller, replicas: ctl } };
  const plan = planMigration(spec).plan;
  forgetVerdicts();
  if (global.gc) global.gc();
  const rss0 = process.memoryUsage().rss;
  const t = process.hrtime.bigint();
  const verdict = verifyPlan(spec, plan);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(`gateways ${String(gw).padStart(6)}  controllers ${String(ctl).padStart(4)}: ${String(verdict.statesExplored).padStart(8)} states ${`${ms.toFixed(0)} ms`.padStart(9)}  rss +${((process.memoryUsage().rss - rss0) / 1048576).toFixed(0)} MiB${verdict.safe ? '' : '  UNSAFE'}`);
}

const seed = withReplicas(loadSpec(path.join(__dirname, '..', 'examples', 'seed-expressions-to-traditional.yaml')), 1000);
const t = process.hrtime.bigint();
const naive = verifyNaive(seed, planMigration(seed).plan.initial);
console.log(`\nseed scenario, naive edit, 1000 replicas: ${naive.safe ? 'safe' : 'unsafe'} (${naive.violations.map((v) => v.invariant).join(', ')}), ${naive.statesExplored} states, ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(0)} ms`);
