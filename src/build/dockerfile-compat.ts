// Pure: a pushed Dockerfile made ready for the engine's built-in BuildKit frontend, and for sharing one engine
// between apps.
//
// Debian bookworm's engine (20.10) builds with BuildKit, but its built-in Dockerfile frontend predates heredocs
// and `COPY --link`, and a `# syntax=` line names a frontend image that cannot be pulled here. So:
// - `# syntax=IMAGE` is dropped when the host lacks IMAGE (the push says so in one line);
// - `RUN` heredocs become the exec form of the same shell text (`sh -c 'python3 <<EOF ... EOF'`: POSIX sh reads
//   heredocs itself); a bare `RUN <<EOF` runs its body as a script file, so that a `#!` line chooses the
//   interpreter, as BuildKit does; the stage's SHELL is used where one was set;
// - `COPY <<EOF /path` (and ADD) become a COPY of a file the builder adds to the context;
// - `--link` is dropped (it changes how layers are cached, not what they hold).
// And the boundaries between apps:
// - a cache mount's id is made the app's own (BuildKit shares cache mounts by id across every build on the
//   engine: one app could read or poison another's);
// - secret and ssh mounts are refused in one line: a push carries no build secrets.
import { PaasError } from '../errors.js';

export interface ContextFile {
  name: string;
  content: string;
}

export interface CompatDockerfile {
  dockerfile: string;
  /** Files to add to the build context (COPY heredocs). */
  files: ContextFile[];
  /** The frontend image a `# syntax=` line named, when it was dropped. */
  droppedSyntax?: string;
}

const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
const HEREDOC_DIR = '.paas-heredoc';

/** Splits `--flag=value` words off the front of an instruction's arguments. */
function splitFlags(args: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let rest = args.trimStart();
  for (;;) {
    const match = /^(--[a-z-]+(?:=(?:"[^"]*"|'[^']*'|\S)*)?)\s*/i.exec(rest);
    if (!match) return { flags, rest };
    flags.push(match[1]!);
    rest = rest.slice(match[0].length);
  }
}

/** The app's own id for a cache mount: BuildKit's default id is the target path. */
function scopeMount(flag: string, app: string): string {
  const spec = flag.slice('--mount='.length).replace(/^["']|["']$/g, '');
  const fields = spec.split(',').map((field) => field.trim());
  const get = (key: string) => fields.find((f) => f.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
  const type = (get('type') ?? 'bind').toLowerCase();
  if (type === 'secret' || type === 'ssh') {
    throw new PaasError(
      'PAAS_ERR_BUILD_FAILED',
      `the Dockerfile uses RUN --mount=type=${type}, but a push carries no build ${type === 'ssh' ? 'SSH agent' : 'secrets'}: pass what it needs as a build argument (paas docker-options:add APP build --build-arg NAME) or a config var`,
    );
  }
  if (type !== 'cache') return flag;
  const id = get('id') ?? get('target') ?? get('dst') ?? get('destination') ?? '';
  const others = fields.filter((f) => !f.toLowerCase().startsWith('id='));
  // A '/' after the app's name: app names never hold one, so app "a" with id "b-c" and app "a-b" with id "c" differ.
  return `--mount=${[...others, `id=paas-app/${app}/${id}`].join(',')}`;
}

/** The JSON exec form of an instruction. */
const execForm = (words: string[]) => JSON.stringify(words);

const BARE_SCRIPT =
  'f=$(mktemp) && printf "%s\\n" "$1" > "$f" && chmod +x "$f" && { if head -c2 "$f" | grep -q "^#!"; then "$f"; else /bin/sh "$f"; fi; s=$?; rm -f "$f"; exit $s; }';

/**
 * Rewrites `text` (see the file's head). `frontendAvailable` says whether the host has the image a `# syntax=`
 * line names. Throws a one-line PaasError for what cannot be built here.
 */
export function forBuiltinFrontend(text: string, app: string, frontendAvailable: (image: string) => boolean): CompatDockerfile {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  const files: ContextFile[] = [];
  let droppedSyntax: string | undefined;
  let shell = ['/bin/sh', '-c'];
  let inDirectives = true;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (inDirectives) {
      const directive = /^#\s*([a-z]+)\s*=\s*(.*?)\s*$/i.exec(line);
      if (directive && directive[1]!.toLowerCase() === 'syntax' && !frontendAvailable(directive[2]!)) {
        droppedSyntax = directive[2]!;
        continue;
      }
      if (!directive) inDirectives = false;
    }
    // An instruction continued over several lines (\ at the end) is joined for reading, and written back joined.
    const start = i;
    while (/\\\s*$/.test(line) && i + 1 < lines.length && !/^\s*#/.test(lines[i + 1]!)) line = line.replace(/\\\s*$/, ' ') + lines[++i]!;
    const instruction = /^(\s*)([A-Za-z]+)(\s+)(.*)$/.exec(line);
    const keyword = instruction?.[2]!.toUpperCase();
    if (!instruction || !['RUN', 'COPY', 'ADD', 'FROM', 'SHELL'].includes(keyword!)) {
      out.push(...lines.slice(start, i + 1));
      continue;
    }
    if (keyword === 'FROM') shell = ['/bin/sh', '-c'];
    if (keyword === 'SHELL') {
      try {
        const parsed = JSON.parse(instruction[4]!) as unknown;
        if (Array.isArray(parsed) && parsed.every((w) => typeof w === 'string')) shell = parsed as string[];
      } catch {
        // The frontend reports a malformed SHELL itself.
      }
    }
    if (keyword === 'FROM' || keyword === 'SHELL') {
      out.push(...lines.slice(start, i + 1));
      continue;
    }
    const { flags, rest } = splitFlags(instruction[4]!);
    const kept = flags.filter((f) => f !== '--link' && f !== '--link=true' && f !== '--link=false').map((f) => (/^--mount=/i.test(f) ? scopeMount(f, app) : f));
    const changedFlags = kept.length !== flags.length || kept.some((f, n) => f !== flags[n]);
    const heredocs = rest.trimStart().startsWith('[') ? [] : [...rest.matchAll(HEREDOC)];
    if (heredocs.length === 0) {
      if (changedFlags) out.push(`${instruction[1]}${instruction[2]} ${[...kept, rest].join(' ')}`);
      else out.push(...lines.slice(start, i + 1));
      continue;
    }
    // Each heredoc's body follows the instruction, up to its delimiter line.
    const bodies: string[] = [];
    for (const doc of heredocs) {
      const body: string[] = [];
      for (;;) {
        if (++i >= lines.length) throw new PaasError('PAAS_ERR_BUILD_FAILED', `Dockerfile line ${start + 1}: the heredoc ${doc[3]} is never closed`);
        const bodyLine = doc[1] === '-' ? lines[i]!.replace(/^\t+/, '') : lines[i]!;
        if (bodyLine === doc[3]) break;
        body.push(bodyLine);
      }
      bodies.push(body.join('\n'));
    }
    const lead = `${instruction[1]}${instruction[2]} ${kept.length ? `${kept.join(' ')} ` : ''}`;
    if (keyword === 'RUN') {
      const command = rest.trim();
      if (heredocs.length === 1 && command === heredocs[0]![0]) {
        out.push(`${lead}${execForm(['/bin/sh', '-c', BARE_SCRIPT, 'paas-heredoc', bodies[0]!])}`);
      } else {
        const script = [command, ...heredocs.flatMap((doc, n) => [bodies[n]!, doc[3]!])].join('\n');
        out.push(`${lead}${execForm([...shell, script])}`);
      }
      continue;
    }
    // COPY/ADD <<NAME dest: each heredoc becomes a file of the context, copied under the name it had.
    let sources = rest;
    heredocs.forEach((doc, n) => {
      const name = `${HEREDOC_DIR}/${files.length}/${doc[3]}`;
      files.push({ name, content: `${bodies[n]!}\n` });
      sources = sources.replace(doc[0], name);
    });
    out.push(`${lead}${sources.trim()}`);
  }
  return { dockerfile: out.join('\n'), files, ...(droppedSyntax !== undefined ? { droppedSyntax } : {}) };
}
