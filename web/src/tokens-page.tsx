// API tokens, for an admin: the list with each token's access and state (active, expires, expired, revoked), a
// form that makes one (admin or collaborator on named apps, with an optional expiry) and shows it once, and
// revoke (confirmed). The same routes as tokens:create, tokens and tokens:revoke.
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { Problem, Section, useLoad } from './components.js';
import { ago } from './format.js';
import type { TokenRow } from '../../src/store/tokens.js';

/** Pure: a token's state as the list shows it. */
export function tokenState(t: Pick<TokenRow, 'expiresAt' | 'revokedAt'>, now = Date.now()): string {
  if (t.revokedAt) return `revoked ${t.revokedAt.slice(0, 10)}`;
  if (!t.expiresAt) return 'active';
  return Date.parse(t.expiresAt) <= now ? `expired ${t.expiresAt.slice(0, 10)}` : `expires ${t.expiresAt.slice(0, 16).replace('T', ' ')}`;
}

const EXPIRIES = [
  ['', 'never (until revoked)'],
  ['12h', '12 hours'],
  ['7d', '7 days'],
  ['30d', '30 days'],
  ['90d', '90 days'],
] as const;

export function TokensPage() {
  const [tokens, setTokens] = useState<TokenRow[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [made, setMade] = useState<{ name: string; token: string } | null>(null);
  const [name, setName] = useState('');
  const [apps, setApps] = useState('');
  const [expiresIn, setExpiresIn] = useState('');
  const load = () => api<TokenRow[]>('GET', '/tokens').then(setTokens, (e: Error) => setProblem(e.message));
  useLoad(load, []);
  const create = async () => {
    setProblem(null);
    const scoped = apps
      .split(/[\s,]+/)
      .map((a) => a.trim())
      .filter(Boolean);
    try {
      const row = await api<TokenRow & { token: string }>('POST', '/tokens', {
        name: name.trim(),
        ...(scoped.length ? { role: 'collaborator', apps: scoped } : { apps: [] }),
        ...(expiresIn ? { expiresIn } : {}),
      });
      setMade({ name: row.name, token: row.token });
      setName('');
      setApps('');
      await load();
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  const revoke = async (token: string) => {
    if (!confirm(`Revoke the token ${token}? Whoever uses it is refused from now on.`)) return;
    await api('DELETE', `/tokens/${encodeURIComponent(token)}`).then(load, (e: Error) => setProblem(e.message));
  };
  return (
    <main>
      <h1>API tokens</h1>
      <Problem text={problem} />
      {made ? (
        <p role="status" class="made-token">
          Token <strong>{made.name}</strong> made; it is shown only now: <code data-token>{made.token}</code>
        </p>
      ) : null}
      <Section title="Tokens">
        {tokens === null ? (
          <p aria-busy="true">Loading…</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Access</th>
                <th>Created</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.name} data-token-row={t.name}>
                  <td>{t.name}</td>
                  <td>{t.role === 'admin' ? 'admin' : `collaborator on ${t.apps.join(', ')}`}</td>
                  <td title={t.createdAt}>{ago(t.createdAt)}</td>
                  <td class="state">{tokenState(t)}</td>
                  <td>
                    {t.revokedAt ? null : (
                      <button type="button" aria-label={`Revoke ${t.name}`} onClick={() => void revoke(t.name)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="Make a token">
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <label>
            Name <input name="token-name" value={name} onInput={(e) => setName(e.currentTarget.value)} autocomplete="off" spellcheck={false} />
          </label>{' '}
          <label>
            Apps (empty: admin) <input name="token-apps" value={apps} onInput={(e) => setApps(e.currentTarget.value)} autocomplete="off" spellcheck={false} />
          </label>{' '}
          <label>
            Expires{' '}
            <select name="token-expires" value={expiresIn} onChange={(e) => setExpiresIn(e.currentTarget.value)}>
              {EXPIRIES.map(([value, text]) => (
                <option key={value} value={value}>
                  {text}
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="submit">Make token</button>
        </form>
      </Section>
    </main>
  );
}
