/**
 * Runs generated scripts the way the hook image does: BusyBox `sh` with BusyBox's own applets
 * (grep, sed, date, head, sort ...) and nothing else on PATH, against a fake `kubectl` that
 * plays a scenario. BusyBox is required: `.ci/run` installs the Debian package `busybox` when
 * it is missing, and these tests fail (never skip) without it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';

/*
 * Scratch folders of their own (not helpers' kfm-test-*, which any jest run's global teardown
 * removes, another agent's or CI's included, even while these scripts still run from them).
 */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kfm-busybox-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
const tempDir = (): string => fs.mkdtempSync(path.join(scratch, 'run-'));

/** The BusyBox binary; throws (failing the test) when it is not installed. */
export function busybox(): string {
  for (const p of ['/usr/bin/busybox', '/bin/busybox', '/usr/local/bin/busybox']) if (fs.existsSync(p)) return p;
  const found = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  throw new Error('BusyBox is required for the gate script tests: apt-get install busybox (.ci/run installs it)');
}

let applets: string | undefined;

/** A folder of BusyBox applet links (`busybox --install -s`), made once per test file. */
function appletDir(): string {
  if (applets) return applets;
  const dir = path.join(tempDir(), 'bin');
  fs.mkdirSync(dir);
  const r = spawnSync(busybox(), ['--install', '-s', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`busybox --install failed: ${r.stderr}`);
  applets = dir;
  return dir;
}

/** One answer of the fake kubectl: exit status and what it prints (stdout on 0, stderr otherwise). */
export interface Answer {
  readonly status?: number;
  readonly out: string;
}

/**
 * A scenario: for the first key that is a substring of kubectl's arguments (joined by spaces),
 * the answers in order, one per call; the last one repeats. A string is a successful answer.
 */
export type Scenario = ReadonlyArray<readonly [key: string, answers: ReadonlyArray<string | Answer>]>;

const SEP = '\x1f';

/** The fake kubectl, a BusyBox `sh` script: logs every call's arguments, answers from the table. */
function fakeKubectl(dir: string): string {
  return `#!${busybox()} sh
D=${dir}
n=$(cat "$D/ncalls" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$D/ncalls"
i=0; for a in "$@"; do i=$((i + 1)); printf '%s' "$a" > "$D/call.$n.$i"; done
args="$*"
row=0; hit=""
while IFS='${SEP}' read -r key answers; do
  row=$((row + 1))
  case "$args" in *"$key"*) hit=$row; break;; esac
done < "$D/table"
[ -n "$hit" ] || { echo "fake kubectl: no answer for: $args" >&2; exit 1; }
used=$(cat "$D/used.$hit" 2>/dev/null || echo 0); echo $((used + 1)) > "$D/used.$hit"
count=$(ls "$D/answer.$hit."*.status | wc -l)
k=$((used + 1)); [ "$k" -gt "$count" ] && k=$count
status=$(cat "$D/answer.$hit.$k.status")
if [ "$status" = 0 ]; then cat "$D/answer.$hit.$k.out"; else cat "$D/answer.$hit.$k.out" >&2; fi
exit "$status"
`;
}

export interface ScriptRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Seconds the run took. */
  readonly seconds: number;
  /** The arguments of every kubectl call, in order. */
  readonly calls: string[][];
  /** The folder the script ran in (to look for files a payload would create). */
  readonly cwd: string;
}

/** Runs `script` under BusyBox `sh -c` with only BusyBox applets and the fake kubectl on PATH. */
export function runScript(script: string, scenario: Scenario, opts: { timeoutMs?: number } = {}): ScriptRun {
  const dir = tempDir();
  const fakes = path.join(dir, 'fakes');
  const state = path.join(dir, 'state');
  const cwd = path.join(dir, 'cwd');
  for (const d of [fakes, state, cwd]) fs.mkdirSync(d);
  const table: string[] = [];
  scenario.forEach(([key, answers], r) => {
    if (key.includes('\n') || key.includes(SEP)) throw new Error(`bad scenario key: ${key}`);
    table.push(`${key}${SEP}`);
    answers.forEach((a, k) => {
      const { status = 0, out } = typeof a === 'string' ? { out: a } : a;
      fs.writeFileSync(path.join(state, `answer.${r + 1}.${k + 1}.status`), String(status));
      fs.writeFileSync(path.join(state, `answer.${r + 1}.${k + 1}.out`), out);
    });
  });
  fs.writeFileSync(path.join(state, 'table'), table.join('\n') + '\n');
  fs.writeFileSync(path.join(fakes, 'kubectl'), fakeKubectl(state), { mode: 0o755 });
  // The gates poll every 5 s; a tenth of that keeps the scenarios quick without changing their logic.
  fs.writeFileSync(path.join(fakes, 'sleep'), `#!${busybox()} sh\nexec ${busybox()} sleep 0.2\n`, { mode: 0o755 });
  const started = Date.now();
  const r = spawnSync(busybox(), ['sh', '-c', script], {
    cwd,
    env: { PATH: `${fakes}:${appletDir()}`, HOME: cwd },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 30000,
  });
  const seconds = (Date.now() - started) / 1000;
  const calls: string[][] = [];
  const ncalls = Number(fs.existsSync(path.join(state, 'ncalls')) ? fs.readFileSync(path.join(state, 'ncalls'), 'utf8') : 0);
  for (let n = 1; n <= ncalls; n++) {
    const args: string[] = [];
    for (let i = 1; fs.existsSync(path.join(state, `call.${n}.${i}`)); i++) args.push(fs.readFileSync(path.join(state, `call.${n}.${i}`), 'utf8'));
    calls.push(args);
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, seconds, calls, cwd };
}
