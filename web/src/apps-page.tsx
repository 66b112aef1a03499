// The apps page: every app the signed-in token may see, with its state, release, processes, last deploy and CI,
// refreshed when a job of one of them starts or ends (a live stream, not polling).
import { useEffect, useState } from 'preact/hooks';
import { api, live } from './api.js';
import { Badge, Problem } from './components.js';
import { ago } from './format.js';

interface AppOverview {
  name: string;
  url: string;
  state: string;
  release: number | null;
  processes: Record<string, { wanted: number; running: number }>;
  lastDeploy: string | null;
  lastBuild: { number: number; status: string } | null;
  ci: { number: number; branch: string; status: string } | null;
}

interface JobEvent {
  type: 'running' | 'started' | 'line' | 'ended';
  job?: { id: string; app: string; kind: string };
  id?: string;
  app?: string;
}

export function AppsPage() {
  const [apps, setApps] = useState<AppOverview[] | null>(null);
  const [busy, setBusy] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      api<AppOverview[]>('GET', '/overview').then(
        (list) => (setApps(list), setProblem(null)),
        (err: Error) => setProblem(err.message),
      );
    void load();
    const jobs = new Map<string, { app: string; kind: string }>();
    const stop = live(
      '/activity',
      (line) => {
        const event = JSON.parse(line) as JobEvent;
        if (event.type === 'line') return;
        if (event.job) jobs.set(event.job.id, { app: event.job.app, kind: event.job.kind });
        if (event.type === 'ended' && event.id) jobs.delete(event.id);
        setBusy(Object.fromEntries([...jobs.values()].map((j) => [j.app, j.kind])));
        // A job that starts or ends changes what the list shows; bursts are folded into one reload.
        clearTimeout(timer);
        timer = setTimeout(load, 300);
      },
      setProblem,
      // Loaded again once the stream is open (and at every reconnection): nothing that ended between is missed.
      () => void load(),
    );
    return () => (stop(), clearTimeout(timer));
  }, []);

  return (
    <main>
      <h1>Apps</h1>
      <Problem text={problem} />
      {apps === null ? (
        <p aria-busy="true">Loading…</p>
      ) : apps.length === 0 ? (
        <p>
          No apps yet. Create one with <code>paas apps:create NAME</code>, then <code>git push</code> to it.
        </p>
      ) : (
        <div class="scroll">
          <table class="apps">
            <thead>
              <tr>
                <th scope="col">App</th>
                <th scope="col">State</th>
                <th scope="col">Release</th>
                <th scope="col">Processes</th>
                <th scope="col">Last deploy</th>
                <th scope="col">CI</th>
                <th scope="col">URL</th>
              </tr>
            </thead>
            <tbody>
              {apps.map((app) => (
                <tr key={app.name} data-app={app.name}>
                  <th scope="row">
                    <a href={`#/apps/${app.name}`}>{app.name}</a>
                  </th>
                  <td>
                    <Badge status={busy[app.name] ? `${busy[app.name] === 'deploy' ? 'deploying' : busy[app.name]}` : app.state} />
                  </td>
                  <td>{app.release === null ? '—' : `v${app.release}`}</td>
                  <td>
                    {Object.entries(app.processes)
                      .map(([type, p]) => `${type} ${p.running}/${p.wanted}`)
                      .join(', ') || '—'}
                  </td>
                  <td>{ago(app.lastDeploy)}</td>
                  <td>{app.ci ? <Badge status={app.ci.status} /> : '—'}</td>
                  <td>
                    <a href={app.url} rel="noreferrer" target="_blank">
                      {app.url.replace(/^https?:\/\//, '')}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
