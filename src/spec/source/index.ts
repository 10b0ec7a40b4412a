/**
 * Reading what the user has (`spec.source`): their manifests or their chart values.
 */
import { inputError } from '../errors';
import { SourceFacts } from '../resolve';
import { MigrationSpecInput } from '../schema';
import { readHelm } from './helm';
import { readManifests } from './manifests';

/** The facts `spec.source` tells about the installation. */
export function readSource(input: MigrationSpecInput, specDir: string, stdin?: () => string): SourceFacts {
  const source = input.spec.source!;
  if (source.manifests) return readManifests(input, specDir, stdin);
  if (source.helm) return readHelm(input, specDir);
  throw inputError('spec.source', 'give manifests or helm');
}
