import { App, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { RouterFlavorMigration, PlanRefusedError, InputError } from '../src';
import { synthesize } from '../src/synth';
import { resolve, specDoc, yamlObjects } from './helpers';
import { validateObject } from './validate';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('RouterFlavorMigration in a user cdk8s app', () => {
  test('adds one chart per phase with the planned objects', () => {
    const app = new App();
    const chart = new Chart(app, 'platform');
    const migration = new RouterFlavorMigration(chart, 'kong', { spec: specDoc() as never });
    expect(migration.plan.strategy).toBe('rolling');
    expect(migration.phaseCharts.map((c) => c.phase.id)).toEqual(['01-gateways-to-expressions', '02-restart-controller']);
    const objs = migration.phaseCharts[0].toJson() as Any[];
    for (const o of objs) validateObject(o);
    // No spec.source: the user's Deployment is not known, so the chart holds the hooks and the
    // phase's patch of the planned fields, never a whole modelled Deployment.
    expect(objs.some((o) => o.kind === 'Deployment')).toBe(false);
    expect(migration.phaseCharts[0].patches).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'proxy-kong', namespace: 'kong' },
        spec: { template: { spec: { containers: [{ name: 'proxy', env: [{ name: 'KONG_ROUTER_FLAVOR', value: 'expressions' }] }] } } },
      },
    ]);
    // The user's app synthesizes it like any other chart.
    expect(app.synthYaml()).toContain('prod-kong-gate-01'.replace('prod-kong', 'test-kong'));
  });

  test('renders one phase when asked, identical to the CLI output', () => {
    const app = new App();
    const chart = new Chart(app, 'platform');
    const m = new RouterFlavorMigration(chart, 'kong', { spec: specDoc() as never, phase: '02-restart-controller' });
    expect(m.phaseCharts).toHaveLength(1);
    const cli = synthesize(resolve(specDoc())).files;
    const fromCli = cli
      .paths()
      .filter((p) => /^phases\/02-restart-controller\/[^/]+\.yaml$/.test(p))
      .flatMap((p) => yamlObjects(cli.get(p)!));
    const fromLib = m.phaseCharts[0].toJson() as Any[];
    const key = (o: Any) => `${o.kind}/${o.metadata.name}`;
    expect(fromLib.map(key).sort()).toEqual(fromCli.map(key).sort());
    for (const o of fromLib) expect(o).toEqual(fromCli.find((c) => key(c) === key(o)));
  });

  test('refuses plans that do not exist and bad specs with the errors the CLI maps to exit codes', () => {
    const chart = new Chart(new App(), 'x');
    expect(() => new RouterFlavorMigration(chart, 'a', { spec: specDoc({ spec: { from: 'expressions', to: 'traditional', database: 'postgres' } }) as never })).toThrow(
      PlanRefusedError,
    );
    expect(() => new RouterFlavorMigration(chart, 'b', { spec: specDoc({ spec: { to: 'fast' } }) as never })).toThrow(InputError);
    expect(() => new RouterFlavorMigration(chart, 'c', { spec: specDoc() as never, phase: 7 })).toThrow(/no phase 7/);
  });
});
