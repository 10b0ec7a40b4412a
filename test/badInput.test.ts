import * as fs from 'fs';
import * as path from 'path';
import { EXIT, run } from '../src/cli';
import { tempDir } from './helpers';

const CORPUS = path.join(__dirname, 'corpus', 'invalid');

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** Expectations written at the top of each corpus file (or beside an empty one). */
function expectations(file: string): { path: string; message: string } {
  const sidecar = file.replace(/\.yaml$/, '.expect');
  const [p, m] = fs.existsSync(sidecar)
    ? fs.readFileSync(sidecar, 'utf8').split('\n')
    : fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .slice(0, 2)
        .map((l) => l.replace(/^# expect-(path|message): ?/, ''));
  return { path: p === 'bad.yaml' ? file : p, message: m ?? '' };
}

const files = fs
  .readdirSync(CORPUS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** Asserts the contract for bad input: exit 2, a few lines naming the field, no stack, nothing written. */
async function expectRejected(args: string[], expectedPath: string, expectedMessage: string) {
  const out = path.join(tempDir(), 'out');
  const r = await cli(...args, '--out', out);
  expect(r.code).toBe(EXIT.input);
  const lines = r.err.trimEnd().split('\n');
  expect(lines[0]).toBe('error: invalid input');
  expect(lines.length).toBeLessThanOrEqual(6);
  expect(r.err).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  const named = lines.slice(1).find((l) => l.trim().startsWith(`${expectedPath}:`));
  expect(named).toBeDefined();
  expect(named).toContain(expectedMessage);
  expect(fs.existsSync(out)).toBe(false);
  expect(r.out).toBe('');
}

describe('bad input corpus: exit 2, field path, what is allowed, nothing written', () => {
  test('the corpus holds at least 40 inputs', async () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  test.each(files)('%s', async (name) => {
    const file = path.join(CORPUS, name);
    const { path: p, message } = expectations(file);
    await expectRejected(['synth', file], p, message);
  });

  test('a missing file', async () => {
    const file = path.join(tempDir(), 'nope.yaml');
    await expectRejected(['synth', file], file, 'no such file');
  });

  test('a huge file is refused before parsing', async () => {
    const file = path.join(tempDir(), 'huge.yaml');
    fs.writeFileSync(file, '# padding\n'.repeat(200_000));
    await expectRejected(['synth', file], file, 'the limit is 1048576 bytes');
  });

  test('a folder where a spec file is expected', async () => {
    const dir = tempDir();
    const r = await cli('plan', dir);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toContain('is a folder, not a file');
  });

  test('one bad spec among good ones: nothing is written for any of them', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const good = path.join(__dirname, '..', 'examples', 'dbless-to-expressions.yaml');
    const r = await cli('synth', good, path.join(CORPUS, files[0]), '--out', out);
    expect(r.code).toBe(EXIT.input);
    expect(fs.existsSync(out)).toBe(false);
  });
});
