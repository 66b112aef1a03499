// The dashboard: who is signed in, and the page the location's hash names (#/, #/apps/APP, #/apps/APP/builds/N,
// #/apps/APP/ci/N, #/apps/APP/logs, #/pipelines, #/pipelines/NAME,
// #/services, #/services/NAME, #/tokens).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, useCsrf, type Who } from './api.js';
import { SignIn } from './sign-in.js';
import { AppsPage } from './apps-page.js';
import { AppPage } from './app-page.js';
import { RunPage } from './run-page.js';
import { LogsPage } from './logs-page.js';
import { PipelinePage, PipelinesPage } from './pipelines-page.js';
import { TokensPage } from './tokens-page.js';
import { ServicePage, ServicesPage } from './services-page.js';

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

function Page({ hash }: { hash: string }) {
  const path = hash.replace(/^#/, '') || '/';
  let m: RegExpExecArray | null;
  if ((m = /^\/apps\/([a-z0-9-]{1,63})\/(builds|ci)\/(\d+)$/.exec(path))) return <RunPage app={m[1]!} kind={m[2] as 'builds' | 'ci'} number={Number(m[3])} />;
  if ((m = /^\/apps\/([a-z0-9-]{1,63})\/logs$/.exec(path))) return <LogsPage app={m[1]!} />;
  if ((m = /^\/apps\/([a-z0-9-]{1,63})$/.exec(path))) return <AppPage app={m[1]!} />;
  if ((m = /^\/pipelines\/([a-z0-9-]{1,63})$/.exec(path))) return <PipelinePage name={m[1]!} />;
  if (path === '/pipelines') return <PipelinesPage />;
  if (path === '/tokens') return <TokensPage />;
  if ((m = /^\/services\/([a-z0-9-]{1,63})$/.exec(path))) return <ServicePage name={m[1]!} />;
  if (path === '/services') return <ServicesPage />;
  return <AppsPage />;
}

function Dashboard() {
  const [who, setWho] = useState<Who | null | undefined>(undefined);
  const hash = useHash();
  const signedIn = (w: Who | null) => {
    if (w) useCsrf(w.csrf);
    setWho(w);
  };
  useEffect(() => {
    api<Who>('GET', '/session').then(signedIn, () => signedIn(null));
  }, []);
  if (who === undefined) return <p aria-busy="true">Loading…</p>;
  if (who === null) return <SignIn onSignedIn={signedIn} />;
  return (
    <>
      <header>
        <nav aria-label="main">
          <a href="#/" class="brand">
            paas
          </a>
          <a href="#/">Apps</a>
          <a href="#/pipelines">Pipelines</a>
          <a href="#/services">Services</a>
          {who.role === 'admin' ? <a href="#/tokens">Tokens</a> : null}
        </nav>
        <span class="who">
          {who.name} ({who.role === 'admin' ? 'admin' : `collaborator on ${who.apps?.join(', ')}`})
        </span>
        <button type="button" class="link" onClick={() => api('DELETE', '/session').finally(() => signedIn(null))}>
          Sign out
        </button>
      </header>
      <Page hash={hash} />
    </>
  );
}

render(<Dashboard />, document.getElementById('root')!);
