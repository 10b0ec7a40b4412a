#!/usr/bin/env node
/**
 * `npm run bench`: whole-process figures (wall time and peak RSS, median of several runs).
 *
 * 1. One migration: `kong-flavor synth` of the bundled example, beside (a) the same manifests
 *    from a cdk8s app run the usual way (`cdk8s synth` with ts-node) and (b) `kubectl kustomize`
 *    on the emitted overlays.
 * 2. A fleet: 10, 100 and 1000 specs synthesized by one `kong-flavor synth <folder>` process.
 * 3. The verifier at 3/10/100/1000 replicas (scripts/bench-verify.js).
 *
 * Usage: node scripts/bench.js [--runs N] [--quick]   (--quick skips the ts-node baseline)
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'lib', 'kong-flavor.js');
const EXAMPLE = path.join(ROOT, 'examples', 'dbless-to-expressions.yaml');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 5;
const QUICK = args.includes('--quick');

/** Runs a command under python's resource module: wall seconds and the peak RSS of its biggest process. */
function measure(cmd, cmdArgs, options = {}) {
  const probe = [
    'import resource, subprocess, sys, time',
    't = time.perf_counter()',
    'r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)',
    'w = time.perf_counter() - t',
    'sys.stderr.write(r.stderr.decode()[-2000:]) if r.returncode else None',
    'print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)',
  ].join('\n');
  const r = spawnSync('python3', ['-c', probe, cmd, ...cmdArgs], { encoding: 'utf8', cwd: options.cwd ?? ROOT, env: { ...process.env, ...(options.env ?? {}) } });
  const [wall, rss, code] = (r.stdout || '').trim().split(/\s+/).map(Number);
  if (code !== 0 || r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed: ${r.stderr}`);
  return { wall, rssMiB: rss / 1024 };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function repeat(n, fn) {
  const runs = Array.from({ length: n }, fn);
  return { wall: median(runs.map((r) => r.wall)), rssMiB: median(runs.map((r) => r.rssMiB)) };
}

const fmt = (r) => `${r.wall.toFixed(3)} s, ${r.rssMiB.toFixed(0)} MiB`;
// Under the project (like dist/): some machines' /tmp is several times slower for many small files.
const BENCH_DIR = path.join(ROOT, '.bench');
fs.rmSync(BENCH_DIR, { recursive: true, force: true });
fs.mkdirSync(BENCH_DIR, { recursive: true });
const tmp = (name) => fs.mkdtempSync(path.join(BENCH_DIR, `${name}-`));

if (!fs.existsSync(CLI)) {
  console.error('run `npm run build` first');
  process.exit(1);
}

console.log(`kong-flavor-migrator benchmark (${os.cpus().length} cores, node ${process.version}, median of ${RUNS} runs)\n`);

// 1. One migration.
const out = tmp('one');
const ours = repeat(RUNS, () => measure(process.execPath, [CLI, 'synth', EXAMPLE, '--out', out, '--force', '--quiet']));
console.log(`one migration (${path.relative(ROOT, EXAMPLE)})`);
console.log(`  kong-flavor synth                         ${fmt(ours)}`);
const overlays = fs.readdirSync(path.join(out, 'prod-kong', 'kustomize', 'overlays')).map((o) => path.join(out, 'prod-kong', 'kustomize', 'overlays', o));
const kustomize = repeat(RUNS, () => {
  const each = overlays.map((o) => measure('kubectl', ['kustomize', o]));
  return { wall: each.reduce((s, r) => s + r.wall, 0), rssMiB: Math.max(...each.map((r) => r.rssMiB)) };
});
console.log(`  (b) kubectl kustomize, ${overlays.length} overlays            ${fmt(kustomize)}   ratio ${(kustomize.wall / ours.wall).toFixed(1)}x`);
if (!QUICK) {
  const viaTsNode = tmp('tsnode');
  const cdk8s = repeat(Math.min(RUNS, 3), () =>
    measure(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--app', 'npx ts-node src/main.ts', '--output', viaTsNode], { env: { KONG_FLAVOR_SPEC: EXAMPLE } }),
  );
  console.log(`  (a) cdk8s synth, app through ts-node      ${fmt(cdk8s)}   ratio ${(cdk8s.wall / ours.wall).toFixed(1)}x`);
}

// 2. A fleet of specs in one process.
console.log('\nfleet: one `kong-flavor synth <folder>` process');
// Specs that read a source refer to files beside them: the fleet copies only self-contained ones.
const examples = fs
  .readdirSync(path.join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yaml') && !fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8').includes('source:'));
for (const n of [10, 100, 1000]) {
  const dir = tmp(`fleet-${n}`);
  for (let i = 0; i < n; i++) {
    const text = fs.readFileSync(path.join(ROOT, 'examples', examples[i % examples.length]), 'utf8');
    fs.writeFileSync(path.join(dir, `spec-${String(i).padStart(4, '0')}.yaml`), text.replace(/^  name: .*$/m, `  name: fleet-${i}`));
  }
  const target = tmp(`fleet-out-${n}`);
  const r = repeat(n === 1000 ? 1 : 3, () => {
    fs.rmSync(target, { recursive: true, force: true });
    return measure(process.execPath, [CLI, 'synth', dir, '--out', target, '--quiet']);
  });
  console.log(`  ${String(n).padStart(4)} specs   ${fmt(r)}   ${((r.wall / n) * 1000).toFixed(1)} ms per spec`);
}

// 3. The verifier.
const verifyBench = path.join(__dirname, 'bench-verify.js');
if (fs.existsSync(verifyBench)) {
  console.log('');
  const r = spawnSync(process.execPath, ['--expose-gc', verifyBench], { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
