/**
 * Verdicts remembered by model. A fleet repeats itself: the staging and production copies of
 * an installation, or fifty clusters installed from one chart, compile to the same model (names,
 * replicas, versions, phases and all), and the checker is a pure function of it. A fleet's
 * `synth` then explores each distinct model once.
 */
import { cloneJson } from '../util/cloneJson';

/** Distinct models remembered before the oldest half is forgotten (bounds memory on huge fleets). */
const CAPACITY = 512;

const remembered = new Map<string, unknown>();

/**
 * `compute()`, or a copy of what it returned for the same `key` before. The key must hold
 * everything the result depends on (the model as JSON, the options, which check).
 */
export function remember<T>(key: string, compute: () => T): T {
  const known = remembered.get(key);
  if (known !== undefined) return cloneJson(known as T);
  const result = compute();
  if (remembered.size >= CAPACITY) {
    for (const k of [...remembered.keys()].slice(0, CAPACITY / 2)) remembered.delete(k);
  }
  remembered.set(key, cloneJson(result));
  return result;
}

/** Forgets every remembered verdict (tests measuring exploration use it). */
export function forgetVerdicts(): void {
  remembered.clear();
}
