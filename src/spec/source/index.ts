/**
 * Reading what the user has (`spec.source`): their manifests or their chart values.
 */
import { SourceFacts } from '../resolve';
import { MigrationSpecInput } from '../schema';
import { readHelm } from './helm';
import { readManifestObjects, readManifests } from './manifests';
import { checkSourceFacts } from './validate';

/** The facts `spec.source` tells about the installation. */
export function readSource(input: MigrationSpecInput, specDir: string, stdin?: () => string): SourceFacts {
  const source = input.spec.source!;
  let facts: SourceFacts = {};
  if (source.manifests) facts = readManifests(input, specDir, stdin);
  else if (source.helm) {
    facts = readHelm(input, specDir);
    checkSourceFacts(facts, 'spec.source.helm');
  }
  if (!source.routes) return facts;
  // Routing objects for the route report (Ingress, HTTPRoute, ...), e.g. `kubectl get ingress,httproute -A -o yaml`.
  const { objects } = readManifestObjects(Array.isArray(source.routes) ? source.routes : [source.routes], specDir, 'spec.source.routes');
  return { ...facts, routeObjects: objects };
}
