import { InputError } from '../src/spec/errors';
import { resolveBudget } from '../src/spec/intOrPercent';
import { specFromText } from '../src/spec/load';
import { parseVersion, versionFromImage, formatVersion } from '../src/model/version';
import { resolve, specDoc } from './helpers';

/** The problems an invalid spec reports, as `path: message` lines. */
function problems(doc: Record<string, unknown>): string[] {
  try {
    resolve(doc);
  } catch (e) {
    if (e instanceof InputError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('versions from images', () => {
  test.each([
    ['kong:3.9', '3.9.0'],
    ['kong:3.9.1', '3.9.1'],
    ['kong/kong-gateway:3.10.0.2', '3.10.0.2'],
    ['kong/kubernetes-ingress-controller:3.4', '3.4.0'],
    ['registry.example.com:5000/kong:3.7.1-ubuntu', '3.7.1'],
    ['kong:3.9@sha256:0123456789abcdef', '3.9.0'],
    // Tags Kong's charts and images use: the chart strips -redhat; dates, distros and pre-releases are suffixes.
    ['kong/kong-gateway:3.4.1-redhat', '3.4.1'],
    ['kong/kong-gateway:3.10.0.2-20250101-ubuntu', '3.10.0.2'],
    ['kong/kong-gateway:3.15.0.0-rc.5-distroless', '3.15.0'],
    ['kong/kubernetes-ingress-controller:3.5.0-ubi9', '3.5.0'],
  ])('%s -> %s', (image, version) => {
    expect(formatVersion(versionFromImage(image)!)).toBe(version);
  });

  test.each(['kong', 'kong:latest', 'kong:nightly', 'registry.example.com:5000/kong', 'kong:3.9-custom', 'kong:3.9-rc1-mine'])('%s has no version', (image) => {
    expect(versionFromImage(image)).toBeUndefined();
  });

  test('enterprise versions compare on their fourth part', () => {
    expect(parseVersion('3.10.0.2')!.build).toBe(2);
  });

  test('an untagged image without version is an input error that says to add version', () => {
    const lines = problems(specDoc({ spec: { gateway: { image: 'kong:latest' } } }));
    expect(lines).toEqual([expect.stringMatching(/^spec\.gateway\.version: image "kong:latest" has tag "latest", which is not a version; add spec\.gateway\.version/)]);
  });

  test("a tag is Kong's version only on Kong's own images (any registry or mirror); a custom image needs version", () => {
    const lines = problems(specDoc({ spec: { gateway: { image: 'public.ecr.aws/acme/kong-serverless:v0.1.6' }, controller: { image: 'acme/my-ingress:3.1.0' } } }));
    expect(lines).toEqual([
      expect.stringMatching(/^spec\.gateway\.version: image "public\.ecr\.aws\/acme\/kong-serverless:v0\.1\.6" is not one of Kong's own images \(kong, kong-gateway, .*\): its tag "v0\.1\.6" is that image's release, not necessarily the Kong Gateway version it runs; add spec\.gateway\.version/),
      expect.stringMatching(/^spec\.controller\.version: image "acme\/my-ingress:3\.1\.0" is not one of KIC's own images/),
    ]);
    expect(resolve(specDoc({ spec: { gateway: { image: 'public.ecr.aws/acme/kong-serverless:v0.1.6', version: '3.9.1' } } })).gateway.version.raw).toBe('3.9.1');
    const mirrored = resolve(specDoc({ spec: { gateway: { image: 'registry.example.com/cache/kong/kong-gateway:3.10.0.2@sha256:' + 'a'.repeat(64) }, controller: { image: 'mirror.local/kong/kubernetes-ingress-controller:3.4' } } }));
    expect([mirrored.gateway.version.raw, mirrored.controller!.version.raw]).toEqual(['3.10.0.2', '3.4']);
  });

  test('version overrides the tag, and YAML 3.10 is read as the text 3.10, not the number 3.1', () => {
    const text = `apiVersion: kong-flavor-migrator/v1alpha1
kind: RouterFlavorMigration
metadata: { name: v }
spec:
  from: traditional
  to: expressions
  gateway: { image: "kong/kong-gateway:nightly", version: 3.10 }
  controller: { image: kong/kubernetes-ingress-controller:3.4 }
`;
    const spec = specFromText(text, 'v.yaml');
    expect(formatVersion(spec.gateway.version)).toBe('3.10.0');
  });
});

describe('int-or-percent as Kubernetes rounds it', () => {
  test.each([
    ['25%', '25%', 3, 1, 0],
    ['25%', '25%', 4, 1, 1],
    ['50%', '0', 3, 2, 0],
    [1, 0, 3, 1, 0],
    ['0%', '10%', 3, 0, 1], // both resolve to 0: Kubernetes makes unavailable 1
  ])('surge %s unavailable %s of %i replicas -> %i/%i', (surge, unavail, replicas, s, u) => {
    const parse = (v: string | number) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v);
    expect(resolveBudget(parse(surge) as never, parse(unavail) as never, replicas)).toEqual({ maxSurge: s, maxUnavailable: u });
  });
});

describe('spec validation', () => {
  test('defaults are applied and documented values resolved', () => {
    const spec = resolve(specDoc({ spec: { gateway: { maxSurge: undefined, maxUnavailable: undefined } } }));
    expect(spec.gateway.maxSurge).toBe('25%');
    expect(spec.gateway.budget).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(spec.strategy).toBe('auto');
    expect(spec.topology).toBe('separate');
    expect(spec.database).toBe('off');
    expect(spec.gateway.adminService).toBe('kong-admin');
    expect(spec.controller!.electionId).toBe('5b374a9e.konghq.com');
  });

  test('an unknown field is an error naming it, with the nearest valid one', () => {
    expect(problems(specDoc({ spec: { gateway: { maxSurg: 1 } } }))).toEqual([
      expect.stringMatching(/^spec\.gateway\.maxSurg: unknown field \(did you mean "maxSurge"\?\); allowed here: deployment, container/),
    ]);
  });

  test('an enum typo names the allowed values and suggests the nearest', () => {
    expect(problems(specDoc({ spec: { to: 'expresions' } }))).toEqual([
      'spec.to: "expresions" is not allowed; use one of: traditional, traditional_compatible, expressions (did you mean "expressions"?)',
    ]);
  });

  test('controller is required in separate topology and forbidden in sidecar', () => {
    expect(problems(specDoc({ spec: { controller: undefined } }))).toEqual([expect.stringMatching(/^spec\.controller: required when spec\.topology is separate/)]);
    expect(problems(specDoc({ spec: { topology: 'sidecar' } }))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^spec\.controller: not allowed in sidecar topology/)]),
    );
  });

  test('maxSurge and maxUnavailable cannot both be 0', () => {
    expect(problems(specDoc({ spec: { gateway: { maxSurge: 0, maxUnavailable: 0 } } }))).toEqual([
      expect.stringMatching(/^spec\.gateway\.maxSurge: maxSurge and maxUnavailable cannot both be 0/),
    ]);
  });

  test('KIC 3.x with Kong < 3.4.1 is an input error (KIC refuses to start)', () => {
    expect(problems(specDoc({ spec: { gateway: { image: 'kong:3.3' } } }))).toEqual([
      expect.stringMatching(/^spec\.gateway\.version: KIC 3\.4 .* supports Kong >= 3\.4\.1 only/),
    ]);
    expect(problems(specDoc({ spec: { gateway: { image: 'kong:3.4.0' } } }))).toHaveLength(1);
    // `kong:3.4` runs the newest 3.4.x (3.4.2 today), which KIC 3 supports.
    expect(resolve(specDoc({ spec: { gateway: { image: 'kong:3.4' } } })).gateway.version.raw).toBe('3.4');
  });

  test('an installation that cannot be serving as described is an input error (KIC 2.x without the gate, expressions on Kong < 3.7)', () => {
    expect(problems(specDoc({ spec: { from: 'expressions', to: 'traditional', gateway: { image: 'kong:3.6' }, controller: { image: 'kong/kubernetes-ingress-controller:2.12' } } }))).toEqual([
      expect.stringMatching(/^spec\.controller\.featureGates: KIC 2\.12 without ExpressionRoutes=true sends fields routes, which expressions gateways on Kong 3\.6 reject/),
    ]);
  });

  test('from is required when no source tells it', () => {
    expect(problems(specDoc({ spec: { from: undefined } }))).toEqual([expect.stringMatching(/^spec\.from: required unless spec\.source tells it/)]);
  });

  test('maintenance needs allowDowntime', () => {
    expect(problems(specDoc({ spec: { strategy: 'maintenance' } }))).toEqual([expect.stringMatching(/^spec\.allowDowntime: strategy maintenance takes the gateways down/)]);
  });
});
