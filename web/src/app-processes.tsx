// An app's processes: each replica's state, CPU (with the last minutes as a small chart), memory, restarts and
// uptime, updated live after every metrics sample; restart and scale, confirmed.
import { useEffect, useState } from 'preact/hooks';
import { live } from './api.js';
import { Badge } from './components.js';
import { size } from './format.js';

export interface ProcessView {
  process: string;
  replica: number;
  container: string;
  state: string;
  release: string;
  cpuPercent?: number;
  memoryBytes?: number;
  memoryLimit?: number;
  restarts?: number;
  uptime?: string;
  cpuHistory?: number[];
}

/** The CPU samples as a line, scaled to the highest (at least 100%); decorative: the number is beside it. */
function Spark({ values }: { values: number[] }) {
  if (values.length < 2) return null;
  const top = Math.max(100, ...values);
  const points = values.map((v, i) => `${((i / (values.length - 1)) * 60).toFixed(1)},${(16 - (v / top) * 16).toFixed(1)}`).join(' ');
  return (
    <svg class="spark" width="60" height="16" viewBox="0 0 60 16" aria-hidden="true">
      <polyline points={points} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}

export function Processes(props: {
  app: string;
  processes: ProcessView[];
  formation: Record<string, number>;
  onRestart: () => void;
  onScale: (formation: string[]) => void;
  busy: boolean;
}) {
  const [wanted, setWanted] = useState<Record<string, string>>({});
  const [current, setCurrent] = useState<ProcessView[]>(props.processes);
  useEffect(() => setCurrent(props.processes), [props.processes]);
  useEffect(
    () =>
      live(
        `/apps/${props.app}/ps/live`,
        (line) => setCurrent(JSON.parse(line) as ProcessView[]),
        () => undefined,
      ),
    [props.app],
  );
  const types = Object.keys(props.formation);
  return (
    <>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Replica</th>
              <th scope="col">State</th>
              <th scope="col">Release</th>
              <th scope="col">CPU</th>
              <th scope="col">Memory</th>
              <th scope="col">Restarts</th>
              <th scope="col">Up</th>
            </tr>
          </thead>
          <tbody>
            {current.length === 0 ? (
              <tr>
                <td colSpan={7}>No process runs.</td>
              </tr>
            ) : (
              current.map((p) => (
                <tr key={p.container} data-replica={`${p.process}.${p.replica}`}>
                  <th scope="row">{`${p.process}.${p.replica}`}</th>
                  <td>
                    <Badge status={p.state} />
                  </td>
                  <td>{p.release}</td>
                  <td>
                    {p.cpuPercent === undefined ? '—' : `${p.cpuPercent.toFixed(1)}% `}
                    <Spark values={p.cpuHistory ?? []} />
                  </td>
                  <td>{p.memoryBytes === undefined ? '—' : `${size(p.memoryBytes)}${p.memoryLimit ? ` / ${size(p.memoryLimit)}` : ''}`}</td>
                  <td>{p.restarts ?? '—'}</td>
                  <td>{p.uptime ?? '—'}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const formation = types.filter((t) => wanted[t] !== undefined && wanted[t] !== String(props.formation[t])).map((t) => `${t}=${wanted[t]}`);
          if (formation.length && confirm(`Scale to ${formation.join(' ')}?`)) props.onScale(formation);
        }}
      >
        {types.map((type) => (
          <label key={type}>
            {type}
            <input
              type="number"
              min={0}
              max={100}
              name={`scale-${type}`}
              value={wanted[type] ?? String(props.formation[type])}
              onInput={(e) => setWanted({ ...wanted, [type]: e.currentTarget.value })}
            />
          </label>
        ))}
        <button type="submit" disabled={props.busy || types.length === 0}>
          Scale
        </button>
        <button type="button" disabled={props.busy} onClick={() => confirm('Restart every process of this app?') && props.onRestart()}>
          Restart
        </button>
      </form>
    </>
  );
}
