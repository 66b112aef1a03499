// The sign-in page: an API token (paas tokens:create NAME) exchanged for a session cookie the page never sees.
import { useState } from 'preact/hooks';
import { api, type Who } from './api.js';
import { Problem } from './components.js';

export function SignIn({ onSignedIn }: { onSignedIn: (who: Who) => void }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="narrow">
      <h1>Sign in</h1>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          try {
            onSignedIn(await api<Who>('POST', '/session', { token }));
          } catch (err) {
            setProblem((err as Error).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="off" value={token} onInput={(e) => setToken(e.currentTarget.value)} required />
        <p class="hint">
          Make one on the server with <code>paas tokens:create NAME</code> (add <code>--app APP</code> for a collaborator).
        </p>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <Problem text={problem} />
      </form>
    </main>
  );
}
