#!/usr/bin/env node
/**
 * Bundles the CLI and the cdk8s app entry into single files (esbuild). Loading one file
 * instead of a few hundred modules halves start-up: `kong-flavor synth` of the example takes
 * ~0.28 s instead of ~0.41 s (see `npm run bench`).
 */
const esbuild = require('esbuild');

const common = { bundle: true, platform: 'node', target: 'node20', minify: true, legalComments: 'linked', logLevel: 'warning' };

Promise.all([
  esbuild.build({ ...common, entryPoints: ['src/bin.ts'], outfile: 'lib/kong-flavor.js' }),
  esbuild.build({ ...common, entryPoints: ['src/main.ts'], outfile: 'lib/cdk8s-app.js' }),
]).catch(() => process.exit(1));
