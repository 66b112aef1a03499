// An app's runtime logs (its processes, the router, deploy steps), streaming live as they are printed.
import { useEffect, useState } from 'preact/hooks';
import { live } from './api.js';
import { LogView, Problem } from './components.js';

/** The page keeps this many lines (the newest). */
const KEPT = 1000;

export function LogsPage({ app }: { app: string }) {
  const [lines, setLines] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setLines([]);
    return live(`/apps/${app}/logs/live`, (line) => setLines((current) => [...current.slice(-(KEPT - 1)), line]), setProblem);
  }, [app]);
  return (
    <main>
      <h1>
        <a href={`#/apps/${app}`}>{app}</a> logs
      </h1>
      <Problem text={problem} />
      <LogView lines={lines} label={`${app} logs`} />
    </main>
  );
}
