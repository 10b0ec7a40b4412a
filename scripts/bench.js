#!/usr/bin/env node
/**
 * `npm run bench`: whole-process figures (wall time and peak RSS, median of several runs).
 *
 * 1. One migration: `kong-flavor synth` of the bundled example, beside (a) the same manifests
 *    from a cdk8s app run the usual way (`cdk8s synth` with ts-node) and (b) `kubectl kustomize`
 *    on the emitted overlays.
 * 2. A fleet: 10, 100 and 1000 specs synthesized by one `kong-flavor synth <folder>` process
 *    (copies of the examples, and 1000 distinct installations), output to a RAM-backed folder
 *    when there is one, plus one run to the project disk with its kernel time.
 * 3. A fleet spec of 1000 installations in 100 clusters: `plan` and `synth` (target: < 10 s, < 1 GiB).
 * 4. The verifier at 3/10/100/1000 replicas (scripts/bench-verify.js).
 * 5. The route report: `kong-flavor routes` on 1,000 and 5,000 routes, half Ingress and half HTTPRoute
 *    paths over 100 and 500 hosts (scripts/route-set.js), two migrations (targets: 1 s; 2 s and 300 MiB).
 *
 * Usage: node scripts/bench.js [--runs N] [--quick] [--only one|fleet|fleet-spec|verify|routes]   (--quick skips the ts-node baseline)
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'lib', 'kong-flavor.js');
const EXAMPLE = path.join(ROOT, 'examples', 'dbless-to-expressions.yaml');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 5;
const QUICK = args.includes('--quick');
/** `--only one|fleet|fleet-spec|verify|routes`: run one section (the example's output feeds nothing else). */
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const runs = (section) => ONLY === undefined || ONLY === section;

/** Runs a command under python's resource module: wall seconds and the peak RSS of its biggest process. */
function measure(cmd, cmdArgs, options = {}) {
  const probe = [
    'import resource, subprocess, sys, time',
    't = time.perf_counter()',
    'r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)',
    'w = time.perf_counter() - t',
    'sys.stderr.write(r.stderr.decode()[-2000:])',
    'u = resource.getrusage(resource.RUSAGE_CHILDREN)',
    'print(w, u.ru_maxrss, r.returncode, u.ru_utime, u.ru_stime)',
  ].join('\n');
  const r = spawnSync('python3', ['-c', probe, cmd, ...cmdArgs], { encoding: 'utf8', cwd: options.cwd ?? ROOT, env: { ...process.env, ...(options.env ?? {}) } });
  const [wall, rss, code, user, sys] = (r.stdout || '').trim().split(/\s+/).map(Number);
  if (!(options.okCodes ?? [0]).includes(code) || r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed: ${r.stderr}`);
  return { wall, rssMiB: rss / 1024, user, sys };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function repeat(n, fn) {
  const runs = Array.from({ length: n }, fn);
  const mid = [...runs].sort((a, b) => a.wall - b.wall)[Math.floor(runs.length / 2)];
  return { wall: median(runs.map((r) => r.wall)), rssMiB: median(runs.map((r) => r.rssMiB)), user: mid.user, sys: mid.sys };
}

const fmt = (r) => `${r.wall.toFixed(3)} s, ${r.rssMiB.toFixed(0)} MiB`;
// Under the project (like dist/): some machines' /tmp is several times slower for many small files.
const BENCH_DIR = path.join(ROOT, '.bench');
fs.rmSync(BENCH_DIR, { recursive: true, force: true });
fs.mkdirSync(BENCH_DIR, { recursive: true });
const tmp = (name, under = BENCH_DIR) => fs.mkdtempSync(path.join(under, `${name}-`));
// Fleet output goes to a RAM-backed folder when there is one, so the figures measure the tool;
// one extra run writes to the project's disk, whose speed for creating ~47,000 small files
// varies by an order of magnitude on a shared VM (its kernel time is printed).
const RAM_DIR = fs.existsSync('/dev/shm') ? fs.mkdtempSync('/dev/shm/kong-flavor-bench-') : undefined;
process.on('exit', () => RAM_DIR && fs.rmSync(RAM_DIR, { recursive: true, force: true }));

if (!fs.existsSync(CLI)) {
  console.error('run `npm run build` first');
  process.exit(1);
}

console.log(`kong-flavor-migrator benchmark (${os.cpus().length} cores, node ${process.version}, median of ${RUNS} runs)\n`);

// 1. One migration.
if (runs('one')) {
  const out = tmp('one', RAM_DIR ?? BENCH_DIR);
  const ours = repeat(RUNS, () => measure(process.execPath, [CLI, 'synth', EXAMPLE, '--out', out, '--force', '--quiet']));
  console.log(`one migration (${path.relative(ROOT, EXAMPLE)})`);
  console.log(`  kong-flavor synth                         ${fmt(ours)}`);
  // The example has no spec.source, so its Kustomize base is the user's to fill: time the overlays
  // of the same migration read from manifests (examples/from-manifests.yaml), whose base is whole.
  const sourced = tmp('sourced', RAM_DIR ?? BENCH_DIR);
  measure(process.execPath, [CLI, 'synth', path.join(ROOT, 'examples', 'from-manifests.yaml'), '--out', sourced, '--force', '--quiet']);
  const [name] = fs.readdirSync(sourced);
  const overlayDir = path.join(sourced, name, 'kustomize', 'overlays');
  const overlays = fs.readdirSync(overlayDir).filter((o) => !o.endsWith('-rollback')).map((o) => path.join(overlayDir, o));
  const kustomize = repeat(RUNS, () => {
    const each = overlays.map((o) => measure('kubectl', ['kustomize', o]));
    return { wall: each.reduce((s, r) => s + r.wall, 0), rssMiB: Math.max(...each.map((r) => r.rssMiB)) };
  });
  console.log(`  (b) kubectl kustomize, the ${overlays.length} overlays of examples/from-manifests.yaml   ${fmt(kustomize)}   ratio ${(kustomize.wall / ours.wall).toFixed(1)}x`);
  if (!QUICK) {
    const viaTsNode = tmp('tsnode', RAM_DIR ?? BENCH_DIR);
    const cdk8s = repeat(Math.min(RUNS, 3), () =>
      measure(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--app', 'npx ts-node src/main.ts', '--output', viaTsNode], { env: { KONG_FLAVOR_SPEC: EXAMPLE } }),
    );
    console.log(`  (a) cdk8s synth, app through ts-node      ${fmt(cdk8s)}   ratio ${(cdk8s.wall / ours.wall).toFixed(1)}x`);
  }
}

// 2. A fleet of specs in one process.
if (runs('fleet')) {
  console.log('\nfleet: one `kong-flavor synth <folder>` process');
  // Specs that read a source refer to files beside them: the fleet copies only self-contained ones.
  const examples = fs
    .readdirSync(path.join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.yaml') && !fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8').includes('source:'))
    .map((f) => YAML.parse(fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8')));

  /** Writes `n` specs made by `vary(example, i)` into a new folder. */
  function fleet(label, n, vary) {
    const dir = tmp(`${label}-${n}`);
    for (let i = 0; i < n; i++) {
      const doc = structuredClone(examples[i % examples.length]);
      doc.metadata.name = `fleet-${i}`;
      vary(doc, i);
      fs.writeFileSync(path.join(dir, `spec-${String(i).padStart(4, '0')}.yaml`), YAML.stringify(doc));
    }
    return dir;
  }

  function synthFleetOf(dir, n, runs, under = RAM_DIR ?? BENCH_DIR) {
    const target = tmp(`${path.basename(dir)}-out`, under);
    return repeat(runs, () => {
      fs.rmSync(target, { recursive: true, force: true });
      const r = measure(process.execPath, [CLI, 'synth', dir, '--out', target, '--quiet']);
      fs.rmSync(target, { recursive: true, force: true });
      return r;
    });
  }

  const perSpec = (r, n) => `${((r.wall / n) * 1000).toFixed(1)} ms per spec`;
  console.log(`  output to ${RAM_DIR ? 'a RAM-backed folder (/dev/shm)' : 'the project folder (.bench/)'}`);
  console.log(`  copies of the ${examples.length} self-contained examples, renamed (a repo of installs set up alike)`);
  let previous;
  for (const n of [10, 100, 1000]) {
    const r = synthFleetOf(fleet('copies', n, () => {}), n, n === 1000 ? 3 : 5);
    // The cost of each spec past the previous size: start-up paid once, growth linear.
    const marginal = previous ? `, each of the ${n - previous.n} more ${(((r.wall - previous.r.wall) / (n - previous.n)) * 1000).toFixed(1)} ms` : '';
    console.log(`  ${String(n).padStart(4)} specs   ${fmt(r)}   ${perSpec(r, n)}${marginal}`);
    previous = { n, r };
  }
  // Worst case for the verifier's memory of verdicts: every spec its own Deployment names and a
  // replica count from 2 to 10, so no two specs compile to the same model.
  const distinct = fleet('distinct', 1000, (doc, i) => {
    doc.spec.gateway = { ...(doc.spec.gateway ?? {}), deployment: `gw-${i}`, replicas: 2 + (i % 9) };
  });
  const d = synthFleetOf(distinct, 1000, 3);
  console.log(`  1000 distinct installations (own names, 2-10 replicas)   ${fmt(d)}   ${perSpec(d, 1000)}`);
  if (RAM_DIR) {
    const disk = synthFleetOf(distinct, 1000, 1, BENCH_DIR);
    console.log(`  the same, output to the project's disk: ${fmt(disk)} (CPU: user ${disk.user.toFixed(1)} s, kernel ${disk.sys.toFixed(1)} s)`);
  }
}

// 3. A fleet spec: one RouterFlavorMigrationFleet, planned, verified and written with its ApplicationSets.
if (runs('fleet-spec')) {
  console.log('\nfleet spec: 1000 installations in 100 clusters (10 namespaces each), one `kong-flavor` process (target: < 10 s, < 1 GiB)');
  /**
   * 1000 installations of one fleet file: mostly DB-less rolling, every 10th on Kong 3.6
   * (blue-green), every 7th on Postgres (controller freeze), every 50th Postgres on Kong 3.6
   * (refused); 2 to 10 gateway replicas. With `distinct`, each has its own Deployment names too,
   * so no two compile to the same model and the verifier explores every plan.
   */
  function fleetSpec(distinct) {
    const installations = Array.from({ length: 1000 }, (_, i) => {
      const gateway = { replicas: 2 + (i % 9), ...(i % 10 === 3 || i % 50 === 7 ? { image: 'kong:3.6' } : {}), ...(distinct ? { deployment: `gw-${i}` } : {}) };
      return {
        name: `kong-${String(i).padStart(4, '0')}`,
        cluster: `cluster-${String(Math.floor(i / 10)).padStart(3, '0')}`,
        labels: { env: i < 100 ? 'staging' : 'prod', region: ['eu', 'us', 'ap'][i % 3], ...(i % 100 === 0 ? { wave: 'canary' } : {}) },
        overrides: { namespace: `kong-${i % 10}`, gateway, ...(i % 7 === 0 || i % 50 === 7 ? { database: 'postgres' } : {}) },
      };
    });
    const doc = {
      apiVersion: 'kong-flavor-migrator/v1alpha1',
      kind: 'RouterFlavorMigrationFleet',
      metadata: { name: distinct ? 'bench-fleet-distinct' : 'bench-fleet' },
      spec: {
        from: 'traditional_compatible',
        to: 'expressions',
        gateway: { image: 'kong:3.9', maxSurge: 1, maxUnavailable: 0 },
        controller: { image: 'kong/kubernetes-ingress-controller:3.4' },
        installations,
      },
    };
    const dir = tmp(distinct ? 'fleet-spec-distinct' : 'fleet-spec');
    const file = path.join(dir, 'fleet.yaml');
    fs.writeFileSync(file, YAML.stringify(doc));
    return file;
  }
  for (const distinct of [false, true]) {
    const file = fleetSpec(distinct);
    const plan = repeat(3, () => measure(process.execPath, [CLI, 'plan', file, '--json'], { okCodes: [0, 3] }));
    const target = tmp('fleet-spec-out', RAM_DIR ?? BENCH_DIR);
    const synth = repeat(3, () => {
      fs.rmSync(target, { recursive: true, force: true });
      const r = measure(process.execPath, [CLI, 'synth', file, '--out', target, '--quiet']);
      fs.rmSync(target, { recursive: true, force: true });
      return r;
    });
    const what = distinct ? 'distinct (own Deployment names: verdicts recalled across names)' : 'set up alike (replicas 2-10, 4 kinds of plan)';
    const verdict = (r) => (r.wall < 10 && r.rssMiB < 1024 ? 'within target' : 'OVER TARGET');
    console.log(`  ${what}`);
    console.log(`    plan --json (plan + verify all, summary)   ${fmt(plan)}   ${verdict(plan)}`);
    console.log(`    synth (all files + ApplicationSets)        ${fmt(synth)}   ${verdict(synth)}`);
  }
}

// 4. The verifier.
if (runs('verify')) {
  const verifyBench = path.join(__dirname, 'bench-verify.js');
  if (fs.existsSync(verifyBench)) {
    console.log('');
    const r = spawnSync(process.execPath, ['--expose-gc', verifyBench], { stdio: 'inherit', cwd: ROOT });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

// 5. The route report (issue 11): 1,000 routes under 1 s, 5,000 under 2 s and 300 MiB.
if (runs('routes')) {
  const { routeSet } = require('./route-set');
  const { loadSpec } = require('../lib/src/spec/load');
  for (const [routes, hosts, seconds] of [
    [1000, 100, 1],
    [5000, 500, 2],
  ]) {
    const dir = tmp(`routes-${routes}`);
    const objects = routeSet({ routes, hosts });
    fs.writeFileSync(path.join(dir, 'routes.yaml'), objects.map((o) => YAML.stringify(o)).join('---\n'));
    const count = (kind) => objects.filter((o) => o.kind === kind).length;
    console.log(`\nroute report: ${routes.toLocaleString('en')} routes (${count('Ingress')} Ingresses, ${count('HTTPRoute')} HTTPRoutes, ${hosts} hosts), one process, target ${seconds} s and 300 MiB`);
    for (const [from, to] of [
      ['traditional', 'traditional_compatible'],
      ['traditional_compatible', 'expressions'],
    ]) {
      const file = path.join(dir, `${to}.yaml`);
      const spec = { from, to, gateway: { image: 'kong:3.9' }, controller: { image: 'kong/kubernetes-ingress-controller:3.4' }, source: { routes: 'routes.yaml' }, routes: { failOn: 'never' } };
      fs.writeFileSync(file, YAML.stringify({ apiVersion: 'kong-flavor-migrator/v1alpha1', kind: 'RouterFlavorMigration', metadata: { name: 'bench-routes' }, spec }));
      const r = repeat(RUNS, () => measure(process.execPath, [CLI, 'routes', file, '--json']));
      const verdict = r.wall < seconds && r.rssMiB < 300 ? 'within target' : 'OVER TARGET';
      console.log(`  routes --json, ${`${from} -> ${to}`.padEnd(40)} ${fmt(r)}   ${verdict} (CPU: user ${r.user.toFixed(2)} s)`);
    }
    // How much of it is reading the input (YAML parsing and checks), measured in this process.
    const reads = Array.from({ length: RUNS }, () => {
      const t = process.hrtime.bigint();
      loadSpec(path.join(dir, 'expressions.yaml'));
      return Number(process.hrtime.bigint() - t) / 1e9;
    });
    const mib = fs.statSync(path.join(dir, 'routes.yaml')).size / 1048576;
    console.log(`  of which reading the ${mib.toFixed(1)} MiB of YAML (loadSpec, in-process)   ${median(reads).toFixed(3)} s`);
  }
}
