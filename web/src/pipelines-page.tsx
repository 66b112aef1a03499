// Pipelines: the list, and one pipeline with its stages as columns (each app with the release it runs and its
// commit), a promotion of a stage's release to the next (confirmed, its lines shown as they come), and the review
// apps with their URLs.
import { useState } from 'preact/hooks';
import { api, ApiError, runCommand } from './api.js';
import { Badge, LogView, Problem, Section, useLoad } from './components.js';
import { ago } from './format.js';

interface PipelineRow {
  name: string;
  apps: { app: string; stage: string }[];
  review: { enabled: boolean; autodeploy: boolean; autodestroyDays: number | null };
}

interface StageApp {
  app: string;
  stage: string;
  url: string;
  release: { version: number; sha: string; description: string; createdAt: string } | null;
}

interface PipelineInfo {
  name: string;
  stages: { stage: string; apps: StageApp[] }[];
}

interface ReviewApp {
  app: string;
  branch: string;
  sha: string | null;
  state: string;
  url: string;
  deployedAt: string | null;
}

const STAGES = ['development', 'staging', 'production'];

export function PipelinesPage() {
  const [pipelines, setPipelines] = useState<PipelineRow[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useLoad(() => api<PipelineRow[]>('GET', '/pipelines').then(setPipelines, (e: Error) => setProblem(e.message)), []);
  return (
    <main>
      <h1>Pipelines</h1>
      <Problem text={problem} />
      {pipelines === null ? (
        <p aria-busy="true">Loading…</p>
      ) : pipelines.length === 0 ? (
        <p>
          No pipelines yet. Create one with <code>paas pipelines:create NAME</code>, then <code>paas pipelines:add APP --pipeline NAME --stage staging</code>.
        </p>
      ) : (
        <ul class="plain">
          {pipelines.map((p) => (
            <li key={p.name} data-pipeline={p.name}>
              <a href={`#/pipelines/${p.name}`}>{p.name}</a>
              {': '}
              {STAGES.map((stage) => `${stage} ${p.apps.filter((a) => a.stage === stage).length}`).join(', ')}
              {p.review.enabled ? ', review apps on' : ''}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

function nextStage(stage: string): string | undefined {
  return STAGES[STAGES.indexOf(stage) + 1];
}

export function PipelinePage({ name }: { name: string }) {
  const [info, setInfo] = useState<PipelineInfo | null>(null);
  const [reviews, setReviews] = useState<ReviewApp[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [lines, setLines] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  /** A promotion refused for its CI result, which the user may force after reading why. */
  const [refused, setRefused] = useState<{ app: StageApp; targets: StageApp[] } | null>(null);
  const load = async () => {
    try {
      setInfo(await api<PipelineInfo>('GET', `/pipelines/${name}`));
      setReviews(await api<ReviewApp[]>('GET', `/pipelines/${name}/review-apps`).catch(() => []));
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  useLoad(load, [name]);
  const promote = async (app: StageApp, targets: StageApp[], force = false) => {
    const what = `${app.app} v${app.release!.version} (${app.release!.sha.slice(0, 7)}) to ${targets.map((t) => t.app).join(', ')}`;
    if (!confirm(force ? `Promote ${what} although its commit has no passing CI run?` : `Promote ${what}?`)) return;
    setBusy(true);
    setLines([]);
    setProblem(null);
    setRefused(null);
    try {
      const collected: string[] = [];
      const exit = await runCommand(`/apps/${app.app}/promote`, force ? { force: true } : {}, (line) => {
        collected.push(line);
        setLines([...collected]);
      });
      if (exit !== 0) setProblem(`the promotion of ${app.app} failed: see its lines below`);
    } catch (e) {
      setProblem((e as Error).message);
      if (e instanceof ApiError && e.status === 409 && /or add --force/.test(e.message)) setRefused({ app, targets });
    } finally {
      setBusy(false);
      await load();
    }
  };
  if (!info) return <main aria-busy={problem ? undefined : 'true'}>{problem ? <Problem text={problem} /> : 'Loading…'}</main>;
  return (
    <main>
      <h1>Pipeline {info.name}</h1>
      <Problem text={problem} />
      {refused ? (
        <button type="button" disabled={busy} onClick={() => void promote(refused.app, refused.targets, true)}>
          Promote {refused.app.app} anyway
        </button>
      ) : null}
      <div class="columns stages">
        {info.stages.map(({ stage, apps }) => {
          const next = info.stages.find((s) => s.stage === nextStage(stage))?.apps ?? [];
          return (
            <Section key={stage} title={stage[0]!.toUpperCase() + stage.slice(1)} id={`stage-${stage}`}>
              {apps.length === 0 ? <p>No app</p> : null}
              <ul class="plain">
                {apps.map((a) => (
                  <li key={a.app} data-app={a.app} class="stage-app">
                    <a href={`#/apps/${a.app}`}>{a.app}</a> {a.release ? <Badge status={`v${a.release.version}`} /> : <Badge status="not deployed" />}
                    {a.release ? (
                      <div>
                        <code>{a.release.sha.slice(0, 7)}</code> {a.release.description}, {ago(a.release.createdAt)}
                      </div>
                    ) : null}
                    <div>
                      <a href={a.url} rel="noreferrer" target="_blank">
                        {a.url.replace(/^https?:\/\//, '')}
                      </a>
                    </div>
                    {a.release && next.length ? (
                      <button type="button" disabled={busy} onClick={() => void promote(a, next)}>
                        Promote to {next.map((t) => t.app).join(', ')}
                      </button>
                    ) : null}
                  </li>
                ))}
              </ul>
            </Section>
          );
        })}
      </div>
      {lines.length ? <LogView lines={lines} label="Promotion" /> : null}
      <Section title="Review apps" id="review-apps">
        {reviews === null || reviews.length === 0 ? (
          <p>
            No review apps. <code>paas reviewapps:enable --pipeline {info.name} --autodeploy</code> makes one for each branch pushed to the staging app.
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">App</th>
                <th scope="col">Branch</th>
                <th scope="col">Commit</th>
                <th scope="col">State</th>
                <th scope="col">URL</th>
              </tr>
            </thead>
            <tbody>
              {reviews.map((r) => (
                <tr key={r.app} data-review={r.app}>
                  <th scope="row">
                    <a href={`#/apps/${r.app}`}>{r.app}</a>
                  </th>
                  <td>{r.branch}</td>
                  <td>{r.sha?.slice(0, 7) ?? '—'}</td>
                  <td>
                    <Badge status={r.state} />
                  </td>
                  <td>
                    <a href={r.url} rel="noreferrer" target="_blank">
                      {r.url.replace(/^https?:\/\//, '')}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </main>
  );
}
