// Pure: where an app's replicas may run under the Swarm scheduler (`ps:placement APP node.labels.zone==b`), in
// Swarm's own constraint syntax, and node labels as `nodes:label` takes them.
import { PaasError } from '../errors.js';

/** At most this many constraints per app: more is a mistake, not a placement. */
const MAX_CONSTRAINTS = 10;

const CONSTRAINT = /^node\.(id|hostname|role|platform\.os|platform\.arch|labels\.[A-Za-z0-9][A-Za-z0-9_.-]{0,62})(==|!=)([A-Za-z0-9][A-Za-z0-9_.:-]{0,62})$/;
const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const LABEL_VALUE = /^[A-Za-z0-9_.:-]{0,63}$/;

/** One constraint, spaces around the operator dropped: node.labels.zone==b, node.role!=manager, node.hostname==n2. */
export function parseConstraint(text: string): string {
  const compact = text.replace(/\s*(==|!=)\s*/, '$1').trim();
  const match = CONSTRAINT.exec(compact);
  if (!match || (match[1] === 'role' && !['manager', 'worker'].includes(match[3]!)))
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `invalid placement ${JSON.stringify(text.slice(0, 60))}: use node.labels.KEY==VALUE, node.hostname==NAME or node.role==manager|worker (or != for each)`,
    );
  return compact;
}

/** The whole list an app is given (replacing the one before); none clears it. */
export function parsePlacement(texts: unknown): string[] {
  if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string'))
    throw new PaasError('PAAS_ERR_INVALID_INPUT', 'placement: give a list of constraints such as node.labels.zone==b');
  if (texts.length > MAX_CONSTRAINTS) throw new PaasError('PAAS_ERR_INVALID_INPUT', `placement: at most ${MAX_CONSTRAINTS} constraints`);
  return [...new Set((texts as string[]).map(parseConstraint))];
}

/**
 * `nodes:label NODE KEY=VALUE ...` (`KEY=` removes the label): the node's labels after the change, never a key or
 * value that a constraint could not name.
 */
export function applyNodeLabels(current: Record<string, string>, changes: string[]): Record<string, string> {
  if (changes.length === 0) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'give KEY=VALUE (or KEY= to remove a label), as zone=b');
  const labels = { ...current };
  for (const change of changes) {
    const at = change.indexOf('=');
    const key = at < 0 ? change : change.slice(0, at);
    const value = at < 0 ? undefined : change.slice(at + 1);
    if (value === undefined || !LABEL_KEY.test(key) || !LABEL_VALUE.test(value))
      throw new PaasError(
        'PAAS_ERR_INVALID_INPUT',
        `invalid node label ${JSON.stringify(change.slice(0, 60))}: use KEY=VALUE with letters, digits, dots, dashes and underscores (KEY= removes it)`,
      );
    if (value === '') delete labels[key];
    else labels[key] = value;
  }
  return labels;
}
