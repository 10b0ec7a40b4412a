#!/usr/bin/env node
/**
 * `npm run import` (after `cdk8s import`): writes the OpenAPI schema of Argo CD's ApplicationSet
 * CRD (`../shared/fixtures/argocd/applicationset-crd.yaml`) to
 * `imports/argoproj.io-applicationset.schema.json`, so the tests can check every ApplicationSet
 * we emit against it on a clean clone (CI has no ../shared). Typed constructs are not generated
 * for it: `cdk8s import` of this CRD is 3.3 MB of TypeScript (every generator embeds a full
 * Application template), which would add ~8 s to each type-check and ~40% to the CLI bundle.
 *
 * Kept: everything but the generators we do not emit (only `list` and `clusters` stay), so the
 * file stays small; a generator we do not keep fails validation instead of passing unchecked.
 */
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const ROOT = path.join(__dirname, '..');
const CRD = path.join(ROOT, '..', 'shared', 'fixtures', 'argocd', 'applicationset-crd.yaml');
const OUT = path.join(ROOT, 'imports', 'argoproj.io-applicationset.schema.json');
const KEPT_GENERATORS = ['list', 'clusters'];

/** The ApplicationSet's openAPIV3Schema with only the kept generators. */
function applicationSetSchema(crdText) {
  const crd = YAML.parse(crdText);
  const version = crd.spec.versions.find((v) => v.name === 'v1alpha1');
  const schema = structuredClone(version.schema.openAPIV3Schema);
  const generator = schema.properties.spec.properties.generators.items;
  generator.properties = Object.fromEntries(Object.entries(generator.properties).filter(([k]) => KEPT_GENERATORS.includes(k)));
  return schema;
}

module.exports = { applicationSetSchema, CRD, OUT };

if (require.main === module) {
  if (!fs.existsSync(CRD)) {
    console.error(`${CRD} is absent: nothing to import`);
    process.exit(1);
  }
  fs.writeFileSync(OUT, JSON.stringify(applicationSetSchema(fs.readFileSync(CRD, 'utf8')), null, 1) + '\n');
  console.log(`wrote ${path.relative(ROOT, OUT)}`);
}
