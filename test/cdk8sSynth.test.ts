import { execFileSync } from 'child_process';
import * as path from 'path';
import { ROOT, readTree, tempDir } from './helpers';

describe('cdk8s synth (cdk8s.yaml -> the compiled app) and kong-flavor synth', () => {
  test('write the same files for the same spec', () => {
    const viaCdk8s = tempDir();
    const viaCli = tempDir();
    const spec = path.join(ROOT, 'examples', 'seed-expressions-to-traditional.yaml');
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--output', viaCdk8s], {
      cwd: ROOT,
      env: { ...process.env, KONG_FLAVOR_SPEC: spec },
      stdio: 'pipe',
    });
    execFileSync(process.execPath, [path.join(ROOT, 'lib', 'kong-flavor.js'), 'synth', spec, '--out', viaCli, '--quiet'], { stdio: 'pipe' });
    const a = readTree(path.join(viaCdk8s, 'seed'));
    const b = readTree(path.join(viaCli, 'seed'));
    expect(Object.keys(a).length).toBeGreaterThan(50);
    expect(a).toEqual(b);
  });
});
