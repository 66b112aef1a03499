// One app: what runs (processes with CPU and memory), its releases, builds and CI runs, config names, domains
// and certificates, volumes; jobs of the app stream here live as they run; rollback, restart, scale, config vars
// and domains.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, live, runCommand } from './api.js';
import { Badge, LogView, Problem, Section } from './components.js';
import { ago } from './format.js';
import { foldActivity, type ActivityMessage, type Job } from './jobs.js';
import { Processes, type ProcessView } from './app-processes.js';
import { Releases, type ReleaseView } from './app-releases.js';
import { ConfigEditor, DomainsEditor } from './app-settings.js';

interface AppInfo {
  name: string;
  url: string;
  gitUrl: string;
  release: { version: number } | null;
  formation: Record<string, number>;
}
interface BuildRow {
  id: number;
  number: number;
  status: string;
  sha: string;
  ref: string;
  createdAt: string;
}
interface CiRunRow {
  number: number;
  branch: string;
  sha: string;
  status: string;
  createdAt: string;
}
interface CertView {
  host: string;
  status: string;
  notAfter: string | null;
}
interface AppData {
  info: AppInfo;
  processes: ProcessView[];
  releases: ReleaseView[];
  builds: BuildRow[];
  ci: CiRunRow[];
  configNames: string[];
  certs: { certificates: CertView[] };
  domains: { host: string }[];
  volumes: { name: string; path: string }[];
}

async function loadApp(app: string): Promise<AppData> {
  const get = <T,>(path: string) => api<T>('GET', `/apps/${app}${path}`);
  const [info, processes, releases, builds, ci, configNames, certs, domains, volumes] = await Promise.all([
    get<AppInfo>('/info'),
    get<ProcessView[]>('/ps'),
    get<ReleaseView[]>('/releases'),
    get<BuildRow[]>('/builds'),
    get<CiRunRow[]>('/ci'),
    get<string[]>('/config-names'),
    get<AppData['certs']>('/certs'),
    get<AppData['domains']>('/domains'),
    get<AppData['volumes']>('/storage'),
  ]);
  return { info, processes, releases, builds, ci, configNames, certs, domains, volumes };
}

export function AppPage({ app }: { app: string }) {
  const [data, setData] = useState<AppData | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [liveProblem, setLiveProblem] = useState<string | null>(null);
  const [jobs, setJobs] = useState<Job[]>([]);
  const [output, setOutput] = useState<string[]>([]);
  const [acting, setActing] = useState(false);

  // Reloads overlap (a job's start and end come close together): only the latest one's answer is shown.
  const latest = useRef(0);
  const reload = () => {
    const mine = ++latest.current;
    return loadApp(app).then(
      (loaded) => mine === latest.current && (setData(loaded), setProblem(null)),
      (err: Error) =>
        mine === latest.current && setProblem(err instanceof ApiError && err.status === 403 ? `You may not see ${app}: ${err.message}` : err.message),
    );
  };

  useEffect(() => {
    setData(null);
    setJobs([]);
    void reload();
    let connections = 0;
    return live(
      `/apps/${app}/activity`,
      (line) => {
        const message = JSON.parse(line) as ActivityMessage;
        setJobs((current) => foldActivity(current, message));
        if (message.type === 'started' || message.type === 'ended') void reload();
      },
      setLiveProblem,
      // Loaded again once the stream is open (and at every reconnection): no job's end can fall in between.
      () => {
        if (connections++ > 0) setJobs([]);
        void reload();
      },
    );
  }, [app]);

  const act = async (path: string, body: unknown) => {
    setActing(true);
    setOutput([]);
    try {
      const exit = await runCommand(`/apps/${app}${path}`, body, (line) => setOutput((o) => [...o, line]));
      if (exit !== 0) setProblem('The command failed: see its output.');
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setActing(false);
      void reload();
    }
  };

  if (!data)
    return (
      <main>
        <h1>{app}</h1>
        {problem ? <Problem text={problem} /> : <p aria-busy="true">Loading…</p>}
        <Problem text={liveProblem} />
      </main>
    );
  const { info } = data;
  const running = jobs.filter((j) => !j.ended);
  return (
    <main>
      <h1>{app}</h1>
      <p class="meta">
        <a href={info.url} target="_blank" rel="noreferrer">
          {info.url}
        </a>{' '}
        · release {info.release ? `v${info.release.version}` : 'none yet'} · <code>{info.gitUrl}</code> · <a href={`#/apps/${app}/logs`}>Logs</a>
      </p>
      <Problem text={problem} />
      <Problem text={liveProblem} />
      {jobs.length > 0 ? (
        <Section title={running.length ? 'Running now' : 'Last job'} id="jobs">
          {jobs.slice(-2).map((job) => (
            <div key={job.id} class="job" data-job={job.kind}>
              <p>
                {job.kind} <Badge status={job.ended ? (job.ok ? 'succeeded' : 'failed') : 'running'} />
              </p>
              <LogView lines={job.lines} label={`${job.kind} output`} />
            </div>
          ))}
        </Section>
      ) : null}
      {output.length > 0 ? <LogView lines={output} label="command output" /> : null}
      <Section title="Processes" id="processes">
        <Processes
          app={app}
          processes={data.processes}
          formation={info.formation}
          busy={acting}
          onRestart={() => void act('/ps', { action: 'restart' })}
          onScale={(formation) => void act('/scale', { formation })}
        />
      </Section>
      <Section title="Releases" id="releases">
        <Releases
          app={app}
          releases={data.releases}
          current={info.release?.version ?? null}
          busy={acting}
          onRollback={(v) => void act('/rollback', { version: `v${v}` })}
        />
      </Section>
      <div class="columns">
        <Section title="Builds" id="builds">
          <ul class="plain">
            {data.builds.slice(0, 10).map((b) => (
              <li key={b.number} data-build={b.number}>
                <a href={`#/apps/${app}/builds/${b.number}`}>#{b.number}</a> <Badge status={b.status} /> {b.sha.slice(0, 7)} {ago(b.createdAt)}
              </li>
            ))}
            {data.builds.length === 0 ? <li>No builds yet: git push to {info.gitUrl}</li> : null}
          </ul>
        </Section>
        <Section title="CI runs" id="ci">
          <ul class="plain">
            {data.ci.slice(0, 10).map((r) => (
              <li key={r.number}>
                <a href={`#/apps/${app}/ci/${r.number}`}>#{r.number}</a> <Badge status={r.status} /> {r.branch} {r.sha.slice(0, 7)} {ago(r.createdAt)}{' '}
                {r.status === 'queued' || r.status === 'running' ? null : (
                  <button
                    type="button"
                    class="link"
                    disabled={acting}
                    aria-label={`Run CI run ${r.number} again`}
                    onClick={() => void act('/ci', { run: r.number })}
                  >
                    Run again
                  </button>
                )}
              </li>
            ))}
            {data.ci.length === 0 ? <li>No CI runs.</li> : null}
          </ul>
        </Section>
        <Section title="Config" id="config">
          <ConfigEditor app={app} names={data.configNames} busy={acting} onChange={(body) => void act('/config', body)} />
        </Section>
        <Section title="Domains and certificates" id="domains">
          <DomainsEditor app={app} domains={data.domains} onChanged={() => void reload()} />
          <ul class="plain">
            {data.certs.certificates.map((c) => (
              <li key={c.host}>
                {c.host} <Badge status={c.status} /> {c.notAfter ? `until ${c.notAfter.slice(0, 10)}` : ''}
              </li>
            ))}
            {data.domains.length === 0 ? <li>Only {info.url.replace(/^https?:\/\//, '')}</li> : null}
          </ul>
        </Section>
        <Section title="Volumes" id="volumes">
          <ul class="plain">
            {data.volumes.map((v) => (
              <li key={v.name}>
                {v.name} at <code>{v.path}</code>
              </li>
            ))}
            {data.volumes.length === 0 ? <li>No volumes.</li> : null}
          </ul>
        </Section>
      </div>
    </main>
  );
}
