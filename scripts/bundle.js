#!/usr/bin/env node
/**
 * Bundles the CLI and the cdk8s app entry into single files (esbuild), then warms V8's code
 * cache for the CLI. Loading one file instead of a few hundred modules halves start-up, and
 * the code cache takes off another third: `kong-flavor synth` of the example takes ~0.17 s
 * (~0.25 s without the cache, ~0.41 s unbundled; see `npm run bench`).
 *
 * lib/kong-flavor.js          the executable (src/launch.ts): runs the bundle from the cache
 * lib/kong-flavor.bundle.js   the CLI (src/bin.ts and everything it imports)
 * lib/kong-flavor.bundle.cache  V8 code cache, written by one warm-up synth of the example
 * lib/cdk8s-app.js            the app `cdk8s synth` runs (src/main.ts)
 */
const esbuild = require('esbuild');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

// rregex (Rust's regex crate as WebAssembly, for the route report) loads its .wasm beside itself: keep it a runtime require.
const common = { bundle: true, platform: 'node', target: 'node20', minify: true, legalComments: 'linked', logLevel: 'warning', external: ['rregex'] };
const lib = path.join(__dirname, '..', 'lib');

async function main() {
  fs.rmSync(path.join(lib, 'kong-flavor.bundle.cache'), { force: true });
  await Promise.all([
    esbuild.build({ ...common, entryPoints: ['src/bin.ts'], outfile: 'lib/kong-flavor.bundle.js' }),
    esbuild.build({ ...common, entryPoints: ['src/launch.ts'], outfile: 'lib/kong-flavor.js', minify: false }),
    esbuild.build({ ...common, entryPoints: ['src/main.ts'], outfile: 'lib/cdk8s-app.js' }),
  ]);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kong-flavor-warmup-'));
  try {
    execFileSync(process.execPath, [path.join(lib, 'kong-flavor.js'), 'synth', 'examples/dbless-to-expressions.yaml', '--out', out, '--quiet', '--force'], {
      env: { ...process.env, KONG_FLAVOR_WRITE_CODE_CACHE: '1' },
      stdio: 'inherit',
    });
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
