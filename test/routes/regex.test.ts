/**
 * The regex shortcuts of the route report against the real engines: a pattern the report matches
 * without Rust's crate (literals, and the subset JavaScript reads alike) must compile in the
 * crate and match exactly what the crate matches.
 */
import fc from 'fast-check';
import { rustIsMatch, rustRegexProblem } from '../../src/routes/regex';
import { KONG_39 } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RRegex } = require('rregex') as { RRegex: new (p: string) => { isMatch(t: string): boolean } };

const PATTERNS = [
  '^/api/v1$', '^/api', 'v1$', '/x', '^/api/v[0-9]+$', '^/api/.*', '^/(a|b)/x', '^/static/.*', '^/api/v\\d+/users/[0-9a-f]{8}$', '^/a\\.b', '^/x/[^/]+/y',
  '^/(?:v1|v2)/items/\\w+', '^/a+?b', '^/[a-z_.-]+$', '^/api/v[0-9]+/[a-z]+', '^/a\\/b', '^/\\$x', '^/a{2,}', '^/a??$', '^/x(y|z)*$', '^/[\\d.]+',
  // Outside the subset: the crate decides (accepted or refused).
  '^/api/(?!internal)', '^/(a)\\1', '^/a{2}{3}', '^/[a--b]', '^/[[:alpha:]]+', '^/(?<n>x)', '^/(?i)abc', '^/a\\b', '^/é', '^/a{200}', '^/(a|)$',
];
const TEXTS = ['/api/v1', '/api/v12', '/api', '/api/', '/a/x', '/b/x', '/c/x', '/static/', '/api/v2/users/deadbeef', '/a.b', '/axb', '/x/q/y', '/v1/items/abc', '/ab', '/aab', '/a-b_c.d', '/a/b', '/$x', '/aa', '/a', '/xyzy', '/1.2', '/x\ny', '/é', ''];

describe('regex shortcuts agree with the Rust crate', () => {
  for (const p of PATTERNS) {
    test(p, () => {
      let crate: { isMatch(t: string): boolean } | undefined;
      try {
        crate = new RRegex(p);
      } catch {
        crate = undefined;
      }
      expect(rustRegexProblem(p, KONG_39) === undefined).toBe(crate !== undefined);
      if (crate) for (const t of TEXTS) expect({ t, match: rustIsMatch(p, t) }).toEqual({ t, match: crate.isMatch(t) });
    });
  }
});

describe('random patterns: the shortcuts never accept what the crate refuses, and match as it does', () => {
  const TOKENS = ['/', 'a', 'b', '.', '-', '_', '(', ')', '(?:', '(?!', '(?<', '|', '*', '+', '?', '{2}', '{1,3}', '{,2}', '{', '}', '\\d', '\\w', '\\b', '\\/', '\\-', '\\', '[a-z]', '[^/]', '[a--b]', '[', ']', '$', '^', 'é'];
  test('300 patterns', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 8 }), (tokens) => {
        const p = '^' + tokens.join('');
        let crate: { isMatch(t: string): boolean } | undefined;
        try {
          crate = new RRegex(p);
        } catch {
          crate = undefined;
        }
        expect({ p, compiles: rustRegexProblem(p, KONG_39) === undefined }).toEqual({ p, compiles: crate !== undefined });
        if (crate) for (const t of ['/ab', '/a-b', '/aab/', '/_.', '/x9', '/é', 'ab', '/a\nb']) expect({ p, t, match: rustIsMatch(p, t) }).toEqual({ p, t, match: crate.isMatch(t) });
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
