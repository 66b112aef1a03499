// Pure: the Dockerfiles of a buildpack build, one layer per concern, so that an upgrade ships only what changed:
//   stack (shared by all apps) -> buildpack scripts -> runtime (shared by apps on the same runtime)   [runtime image]
//   -> dependencies (installed in a container with the app's build cache mounted, rebuilt only when a manifest or
//      lock file changes)                                                                             [deps image]
//   -> the app and its compile step ("test" stage: what tests run in) -> bin/prune  [the release image]
// Every RUN and COPY uses the exec (JSON) form: no value is ever read by a shell.

export interface BuildpackPlan {
  /** The buildpack's folder name under buildpacks/. */
  buildpack: string;
  /** Arguments of bin/install-runtime; absent when the buildpack has no runtime layer. */
  runtimeArgs?: string[];
  /** Manifest and lock files (at the app's root) that decide the dependency layer. */
  manifests: string[];
  /** Whether bin/install-deps runs. */
  installDeps: boolean;
  /** Whether bin/prune runs for the runtime image (the tests get the image before it). */
  prune: boolean;
  /**
   * Whether the runtime image is the stack with only /app copied in (a compiled language: Go ships its binaries,
   * not its toolchain); the tests still run in the full build stage.
   */
  shipsAppOnly?: boolean;
  /** Directories put first on PATH (the runtime's bin). */
  path: string[];
  env: Record<string, string>;
  /** The one line that says what to change, from a failed dependency install's last lines, when it can tell. */
  installFailure?: (lines: string[]) => string | undefined;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const json = (values: string[]) => JSON.stringify(values);

/** The stage tests run in; the final stage (the runtime image) adds bin/prune on top of it. */
export const TEST_STAGE = 'test';

/** The runtime image: the stack, the buildpack's scripts, the runtime; its context holds `buildpack/`. */
export function runtimeDockerfile(plan: BuildpackPlan, stackImage: string): string {
  const lines = [`FROM ${stackImage}`, 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt', `COPY ${json(['buildpack/', '/paas/buildpack/'])}`];
  if (plan.runtimeArgs) lines.push(`RUN ${json(['/paas/buildpack/bin/install-runtime', ...plan.runtimeArgs])}`);
  lines.push(`ENV PATH=${[...plan.path, DEFAULT_PATH].join(':')}`);
  for (const [key, value] of Object.entries(plan.env)) lines.push(`ENV ${key}=${JSON.stringify(value)}`);
  lines.push('WORKDIR /app');
  return lines.join('\n') + '\n';
}

/** Whether the runtime image is a stage of its own after the test stage (pruned, or the app alone on the stack). */
export function hasReleaseStage(plan: BuildpackPlan): boolean {
  return plan.prune || Boolean(plan.shipsAppOnly);
}

/**
 * The app on top of `base` (the deps image, or the runtime image); its context holds `app/`. With `compileCache`
 * (a BuildKit cache id) the compile step's CACHE_DIR is a cache mount kept between the app's builds.
 */
export function appDockerfile(plan: BuildpackPlan, base: string, webCommand: string | undefined, stackImage: string, compileCache?: string): string {
  // Heroku's SOURCE_VERSION: the commit being built, for the compile step only (it is not in the image's env).
  const lines = [`FROM ${base} AS ${TEST_STAGE}`, `COPY ${json(['app/', '/app/'])}`, 'ARG SOURCE_VERSION'];
  const mount = compileCache ? `--mount=type=cache,id=${compileCache},target=/tmp/paas-cache ` : '';
  lines.push(`RUN ${mount}${json(['/paas/buildpack/bin/compile', '/app', '/tmp/paas-cache', '/tmp/paas-env'])}`);
  const cmd = webCommand ? [`CMD ${json(['/bin/sh', '-c', webCommand])}`] : [];
  lines.push(...cmd);
  if (plan.shipsAppOnly) {
    lines.push(`FROM ${stackImage}`, `COPY --from=${TEST_STAGE} /app /app`, `ENV PATH=${['/app/bin', DEFAULT_PATH].join(':')}`, 'WORKDIR /app', ...cmd);
  } else if (plan.prune) {
    lines.push(`FROM ${TEST_STAGE}`, `RUN ${json(['/paas/buildpack/bin/prune', '/app'])}`);
  }
  return lines.join('\n') + '\n';
}

/** Parses bin/release output: the `default_process_types` map (a flat YAML map of type: command). */
export function defaultProcessTypes(releaseYaml: unknown): Record<string, string> {
  const types = (releaseYaml as { default_process_types?: unknown } | null)?.default_process_types;
  if (!types || typeof types !== 'object') return {};
  return Object.fromEntries(Object.entries(types as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

/** Pure: whether a Dockerfile declares `ARG SOURCE_VERSION` (only then is the commit passed: no unused build-arg warning). */
export function wantsSourceVersion(dockerfile: string): boolean {
  return /^\s*ARG\s+SOURCE_VERSION(?:[\s=]|$)/im.test(dockerfile);
}
