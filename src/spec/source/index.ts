/**
 * Reading what the user has (`spec.source`): their manifests or their chart values.
 */
import { SourceFacts } from '../resolve';
import { MigrationSpecInput } from '../schema';
import { readHelm } from './helm';
import { readManifestObjects, readManifests } from './manifests';

/** The facts `spec.source` tells about the installation. */
export function readSource(input: MigrationSpecInput, specDir: string, stdin?: () => string): SourceFacts {
  const source = input.spec.source!;
  const facts: SourceFacts = source.manifests ? readManifests(input, specDir, stdin) : source.helm ? readHelm(input, specDir) : {};
  if (!source.routes) return facts;
  // Routing objects for the route report (Ingress, HTTPRoute, ...), e.g. `kubectl get ingress,httproute -A -o yaml`.
  const { objects } = readManifestObjects(Array.isArray(source.routes) ? source.routes : [source.routes], specDir, 'spec.source.routes');
  return { ...facts, routeObjects: objects };
}
