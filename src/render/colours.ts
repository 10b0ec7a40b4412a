/**
 * Colour for what people read in a terminal. The caller that owns the stream decides
 * (the `kong-flavor` executable, from its stdout); formatters take the result, so text
 * written anywhere else (a test, a pipe, a file) is plain.
 */
import { createColors } from 'picocolors';

export type Colours = ReturnType<typeof createColors>;

/** No escapes: the default of every formatter. */
export const plain: Colours = createColors(false);

/**
 * Colours for `stream`: off when NO_COLOR is set (https://no-color.org), on when FORCE_COLOR
 * is set to anything but 0, else on only for a terminal that is not `dumb`. Unlike picocolors'
 * own default, a CI variable alone does not turn escapes on: a log captured from a pipe stays plain.
 */
export function coloursFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Colours {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return plain;
  if (env.FORCE_COLOR !== undefined) return createColors(env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false');
  return createColors(stream.isTTY === true && env.TERM !== 'dumb');
}
