// An app's releases, newest first: who made each and what its image shares with the one before; a rollback to
// any earlier one (confirmed) and the layers a release added.
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { Badge } from './components.js';
import { ago, size } from './format.js';

export interface ReleaseView {
  version: number;
  status: string;
  description: string;
  sha: string;
  createdAt: string;
  layers: number;
  sharedLayers: number;
  newBytes: number;
  by: string | null;
}

interface ReleaseDiff {
  added: { digest: string; size: number; files: string[] | null }[];
  removed: unknown[];
  newBytes: number;
}

function Diff({ app, from, to }: { app: string; from: number; to: number }) {
  const [diff, setDiff] = useState<ReleaseDiff | string | null>(null);
  if (diff === null)
    return (
      <button
        type="button"
        class="link"
        onClick={() => api<ReleaseDiff>('GET', `/apps/${app}/releases/diff/v${from}/v${to}`).then(setDiff, (e: Error) => setDiff(e.message))}
      >
        layers
      </button>
    );
  if (typeof diff === 'string') return <span class="problem">{diff}</span>;
  return (
    <div class="diff">
      {`${diff.added.length} added, ${diff.removed.length} removed, ${size(diff.newBytes)} new`}
      <ul>
        {diff.added.map((layer) => (
          <li key={layer.digest}>
            {`${layer.digest.slice(7, 19)} ${size(layer.size)}`}
            {layer.files ? `: ${layer.files.slice(0, 8).join(', ')}${layer.files.length > 8 ? ` and ${layer.files.length - 8} more` : ''}` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Releases(props: { app: string; releases: ReleaseView[]; current: number | null; busy: boolean; onRollback: (version: number) => void }) {
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Release</th>
            <th scope="col">Status</th>
            <th scope="col">Description</th>
            <th scope="col">By</th>
            <th scope="col">When</th>
            <th scope="col">Image</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.releases.map((r, i) => (
            <tr key={r.version} data-release={r.version}>
              <th scope="row">v{r.version}</th>
              <td>
                <Badge status={r.version === props.current ? 'active' : r.status} />
              </td>
              <td>{r.description}</td>
              <td>{r.by ?? '—'}</td>
              <td>{ago(r.createdAt)}</td>
              <td>
                {`${r.sharedLayers}/${r.layers} layers shared, ${size(r.newBytes)} new `}
                {props.releases[i + 1] ? <Diff app={props.app} from={props.releases[i + 1]!.version} to={r.version} /> : null}
              </td>
              <td>
                {r.version !== props.current && r.status !== 'failed' ? (
                  <button
                    type="button"
                    disabled={props.busy}
                    onClick={() => confirm(`Roll back ${props.app} to v${r.version}?`) && props.onRollback(r.version)}
                  >
                    Roll back to v{r.version}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
