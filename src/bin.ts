#!/usr/bin/env node
/**
 * The `kong-flavor` executable. The same file serves as the entry of `synth`'s worker threads.
 */
import { run } from './cli';
import { runFleetWorker } from './fleet';
import { runFleetPlanWorker } from './fleet/index';

if (!runFleetWorker() && !runFleetPlanWorker()) {
  void run(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
