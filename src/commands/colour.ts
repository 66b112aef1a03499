// Pure: the house prefixes in colour for a terminal (Heroku's CLI colours them too): steps cyan, done green,
// errors red. Only where the output is a terminal, and never when NO_COLOR is set (no-color.org).
import { DONE, ERROR, STEP } from '../log.js';

const CSI = '\x1b[';
const paint = (code: string, text: string) => `${CSI}${code}m${text}${CSI}0m`;

/** `text` (any number of lines) with each line's house prefix coloured. */
export function colourLines(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const at = line.startsWith('remote: ') ? 8 : 0;
      const rest = line.slice(at);
      if (rest.startsWith(STEP)) return line.slice(0, at) + paint('1;36', STEP.trimEnd()) + ' ' + rest.slice(STEP.length);
      if (rest.startsWith(DONE)) return line.slice(0, at) + paint('1;32', DONE.trimEnd()) + ' ' + rest.slice(DONE.length);
      if (rest.startsWith(ERROR)) return line.slice(0, at) + paint('1;31', rest);
      return line;
    })
    .join('\n');
}

/** Whether to colour: a terminal, and NO_COLOR unset or empty. */
export function wantsColour(isTty: boolean, env: NodeJS.ProcessEnv): boolean {
  return isTty && !env.NO_COLOR;
}
