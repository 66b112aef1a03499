// Pure: app.json as Dokku reads it: JSON with // and /* */ comments and trailing commas allowed.
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { PaasError } from '../errors.js';

/** Parses app.json; a syntax error is one line naming the line it is on. */
export function parseAppJson(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const line = text.slice(0, first.offset).split('\n').length;
    throw new PaasError('PAAS_ERR_INVALID_APP_JSON', `app.json line ${line}: ${printParseErrorCode(first.error)}; fix it, or remove app.json`);
  }
  return value;
}
