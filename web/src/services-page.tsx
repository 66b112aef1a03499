// Backing services: the list (kind, version, state, linked apps), and one service with its connection URL (revealed
// on request), its backups and a backup taken now (its lines shown as they come). The same routes as
// `paas services`, `services:info` and `services:backup`; a collaborator sees the services of its apps only.
import { useState } from 'preact/hooks';
import { api, runCommand } from './api.js';
import { Badge, LogView, Problem, Section, useLoad } from './components.js';
import { ago, size } from './format.js';
import type { ServiceView } from '../../src/backing/service-lifecycle.js';

export function ServicesPage() {
  const [services, setServices] = useState<ServiceView[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useLoad(() => api<ServiceView[]>('GET', '/services').then(setServices, (e: Error) => setProblem(e.message)), []);
  return (
    <main>
      <h1>Services</h1>
      <Problem text={problem} />
      {services === null ? (
        <p aria-busy="true">Loading…</p>
      ) : services.length === 0 ? (
        <p>
          No services yet. Create one with <code>paas services:create postgres NAME</code>, then <code>paas services:link APP NAME</code>.
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>State</th>
              <th>Linked apps</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.name} data-service={s.name}>
                <td>
                  <a href={`#/services/${s.name}`}>{s.name}</a>
                </td>
                <td>
                  {s.kind} {s.version}
                </td>
                <td>
                  <Badge status={s.state} />
                </td>
                <td>{s.linkedApps.length ? s.linkedApps.map((a, i) => [i ? ', ' : '', <a href={`#/apps/${a}`}>{a}</a>]) : 'none'}</td>
                <td title={s.createdAt}>{ago(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

export function ServicePage({ name }: { name: string }) {
  const [info, setInfo] = useState<ServiceView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [revealed, setRevealed] = useState(false);
  const [output, setOutput] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const load = () => api<ServiceView>('GET', `/services/${name}`).then(setInfo, (e: Error) => setProblem(e.message));
  useLoad(load, [name]);
  const backup = async () => {
    setBusy(true);
    setOutput([]);
    setProblem(null);
    try {
      const exit = await runCommand(`/services/${name}/backups`, {}, (line) => setOutput((o) => [...o, line]));
      if (exit !== 0) setProblem('The backup failed: see its output.');
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setBusy(false);
      void load();
    }
  };
  return (
    <main>
      <h1>
        <a href="#/services">Services</a> / {name}
      </h1>
      <Problem text={problem} />
      {info === null ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <>
          <dl class="facts">
            <dt>Kind</dt>
            <dd>
              {info.kind} {info.version}
              {info.upgrades?.length ? ` (upgrades: ${info.upgrades.join(', ')})` : ''}
            </dd>
            <dt>State</dt>
            <dd>
              <Badge status={info.state} />
            </dd>
            <dt>Data</dt>
            <dd>{size(info.size)}</dd>
            <dt>Linked apps</dt>
            <dd>{info.linkedApps.join(', ') || 'none'}</dd>
            <dt>Published</dt>
            <dd>{info.exposed ?? 'no (linked apps only)'}</dd>
            <dt>URL</dt>
            <dd>
              {info.url ? (
                <>
                  <code class="value">{revealed ? info.url : '••••••'}</code>{' '}
                  <button type="button" onClick={() => setRevealed(!revealed)}>
                    {revealed ? 'Hide' : 'Reveal'}
                  </button>
                </>
              ) : (
                'shown to admins and collaborators of a linked app'
              )}
            </dd>
          </dl>
          <Section title="Backups">
            <p>
              {info.backupSchedule
                ? `Every ${Math.round(info.backupSchedule.everySeconds / 3600)} h, the newest ${info.backupSchedule.keep} kept.`
                : 'No schedule (paas services:backup-schedule NAME --every 1d).'}
            </p>
            <ul class="plain backups">
              {(info.backups ?? []).map((b) => (
                <li key={b} data-backup={b}>
                  <code>{b}</code>
                </li>
              ))}
            </ul>
            {(info.backups ?? []).length === 0 ? <p>No backups yet.</p> : null}
            <button type="button" disabled={busy} onClick={() => void backup()}>
              Back up now
            </button>
            {output.length ? <LogView lines={output} label={`backup of ${name}`} /> : null}
          </Section>
        </>
      )}
    </main>
  );
}
