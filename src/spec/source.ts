/**
 * Reading what the user has (`spec.source`): their manifests or their chart values.
 */
import { inputError } from './errors';
import { SourceFacts } from './resolve';
import { MigrationSpecInput } from './schema';

/** The facts `spec.source` tells about the installation. */
export function readSource(input: MigrationSpecInput, specDir: string): SourceFacts {
  void specDir;
  void input;
  throw inputError('spec.source', 'reading sources is not implemented yet');
}
