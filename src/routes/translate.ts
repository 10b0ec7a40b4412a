/**
 * Stage 2, translate: the Kong routes KIC sends for the routing objects, per translator.
 * `traditional` and `traditional_compatible` get the same output (the traditional
 * translator, ROUTES.md B3); `expressions` gets the expressions translator when KIC uses it
 * (KIC 3.x; KIC 2.10-2.12 only with the ExpressionRoutes gate, B2).
 */
import { RouteShape } from '../model/flavor';
import { TranslateContext } from './objects';
import { RoutingObjects } from './read';
import { translateExpressions } from './expressionsTranslator';
import { translateTraditional } from './traditionalTranslator';
import { RouteUnit, Translation } from './types';

export { TranslateContext };

/** The Kong routes KIC sends for the objects with the given route shape. */
export function translate(r: RoutingObjects, units: readonly RouteUnit[], shape: RouteShape, ctx: TranslateContext): Translation {
  return shape === 'expressions' ? translateExpressions(r, units, ctx) : translateTraditional(r, units, ctx);
}
