// A build or a CI run: its log as stored, or streaming live while it runs.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, live } from './api.js';
import { Badge, LogView, Problem } from './components.js';
import { foldActivity, type ActivityMessage, type Job } from './jobs.js';

interface Run {
  id: number;
  status: string;
  log: string;
}

async function loadRun(app: string, kind: 'builds' | 'ci', number: number): Promise<Run> {
  if (kind === 'ci') return api<Run>('GET', `/apps/${app}/ci/${number}`);
  const builds = await api<{ id: number; number: number; status: string }[]>('GET', `/apps/${app}/builds`);
  const build = builds.find((b) => b.number === number);
  if (!build) throw new Error(`${app} has no build ${number}`);
  const { log } = await api<{ log: string }>('GET', `/apps/${app}/builds/${number}/log`);
  return { id: build.id, status: build.status, log };
}

export function RunPage({ app, kind, number }: { app: string; kind: 'builds' | 'ci'; number: number }) {
  const [run, setRun] = useState<Run | null>(null);
  const [job, setJob] = useState<Job | undefined>(undefined);
  const [problem, setProblem] = useState<string | null>(null);
  const stored = useRef<Run | null>(null);
  const jobs = useRef<Job[]>([]);

  useEffect(() => {
    // The job that makes this build or run, among those the activity stream reported.
    const mine = () => jobs.current.find((j) => stored.current && (kind === 'ci' ? j.ciRunId : j.buildId) === stored.current.id);
    const reload = () =>
      loadRun(app, kind, number).then(
        (loaded) => ((stored.current = loaded), setRun(loaded), setJob(mine())),
        (err: Error) => setProblem(err.message),
      );
    void reload();
    jobs.current = [];
    return live(
      `/apps/${app}/activity`,
      (line) => {
        const message = JSON.parse(line) as ActivityMessage;
        jobs.current = foldActivity(jobs.current, message);
        const job = mine();
        setJob(job);
        if (message.type === 'ended' && job?.id === message.id) void reload();
      },
      (p) => p && setProblem(p),
      () => {
        jobs.current = [];
        void reload();
      },
    );
  }, [app, kind, number]);

  const running = job && !job.ended;
  const lines = running ? job.lines : (run?.log ?? '').split('\n');
  return (
    <main>
      <h1>
        <a href={`#/apps/${app}`}>{app}</a> {kind === 'ci' ? 'CI run' : 'build'} #{number} {run ? <Badge status={running ? 'running' : run.status} /> : null}
      </h1>
      <Problem text={problem} />
      {run ? <LogView lines={lines} label={`${kind === 'ci' ? 'CI run' : 'build'} log`} /> : <p aria-busy="true">Loading…</p>}
    </main>
  );
}
