/**
 * The cdk8s app entry (`cdk8s synth`, see cdk8s.yaml): synthesizes the spec named by
 * KONG_FLAVOR_SPEC (default: the bundled example) into `$CDK8S_OUTDIR/<name>/` (default
 * `dist`), exactly as `kong-flavor synth` does.
 */
import * as path from 'path';
import { run } from './cli';

const spec = process.env.KONG_FLAVOR_SPEC ?? path.join('examples', 'dbless-to-expressions.yaml');
const out = process.env.CDK8S_OUTDIR ?? 'dist';
void run(['synth', spec, '--out', out, '--force', '--quiet']).then((code) => (process.exitCode = code));
