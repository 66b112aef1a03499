// Pure: the images a Dockerfile builds on (FROM, COPY --from, RUN --mount from=), with ARG defaults and the app's
// build args filled in, so that the builder can refuse another app's image before anything runs.

/** Joins continuation lines and drops comments. */
function instructions(dockerfile: string): string[] {
  return dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/**
 * The image references a Dockerfile names as bases, in order; stage names are left out. A reference whose
 * variables cannot be filled from ARG defaults is returned as written (with its `$`), for the caller to refuse.
 */
export function baseImages(dockerfile: string, buildArgs: Record<string, string> = {}): string[] {
  const args = new Map<string, string>();
  const stages = new Set<string>();
  const refs: string[] = [];
  const fill = (text: string) => text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => args.get(name) ?? whole);
  const add = (ref: string) => {
    const filled = fill(ref.replace(/^["']|["']$/g, ''));
    if (!stages.has(filled.toLowerCase()) && !/^\d+$/.test(filled) && filled.toLowerCase() !== 'scratch') refs.push(filled);
  };
  for (const line of instructions(dockerfile)) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const word = keyword.toUpperCase();
    if (word === 'ARG') {
      for (const pair of rest) {
        const eq = pair.indexOf('=');
        const name = eq > 0 ? pair.slice(0, eq) : pair;
        const given = Object.hasOwn(buildArgs, name) ? buildArgs[name] : undefined;
        const value = given ?? (eq > 0 ? pair.slice(eq + 1).replace(/^["']|["']$/g, '') : undefined);
        if (value !== undefined) args.set(name, value);
      }
    } else if (word === 'FROM') {
      const words = rest.filter((w) => !w.startsWith('--'));
      if (words[0]) add(words[0]);
      const as = words.findIndex((w) => w.toLowerCase() === 'as');
      if (as >= 0 && words[as + 1]) stages.add(words[as + 1]!.toLowerCase());
    } else {
      for (const match of line.matchAll(/--(?:from|mount=[^\s]*?from)=([^\s,]+)/gi)) add(match[1]!);
    }
  }
  return refs;
}
