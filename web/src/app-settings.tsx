// An app's config vars and domains, changed from the page as Heroku's dashboard changes them: a Key and Value
// form to set a var (a release is made, its output shown), Remove per var (confirmed), one value revealed at a
// time; domains added and removed. Every change goes through the same API route as the CLI's.
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { Problem } from './components.js';

export function ConfigEditor(props: {
  app: string;
  names: string[];
  busy: boolean;
  onChange: (body: { set?: Record<string, string>; unset?: string[] }) => void;
}) {
  const [shown, setShown] = useState<Record<string, string>>({});
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const reveal = (name: string) =>
    name in shown
      ? setShown(({ [name]: _, ...rest }) => rest)
      : api<Record<string, string>>('GET', `/apps/${props.app}/config`).then(
          (all) => setShown((s) => ({ ...s, [name]: all[name] ?? '' })),
          (e: Error) => setProblem(e.message),
        );
  return (
    <>
      {props.names.length === 0 ? <p>No config vars.</p> : null}
      <ul class="plain config">
        {props.names.map((name) => (
          <li key={name} data-config={name}>
            <code>{name}</code> <span class="value">{name in shown ? shown[name] : '••••••'}</span>{' '}
            <button type="button" onClick={() => void reveal(name)} aria-label={`${name in shown ? 'Hide' : 'Reveal'} ${name}`}>
              {name in shown ? 'Hide' : 'Reveal'}
            </button>{' '}
            <button
              type="button"
              disabled={props.busy}
              aria-label={`Remove ${name}`}
              onClick={() => confirm(`Remove ${name} from ${props.app}? This makes a new release.`) && props.onChange({ unset: [name] })}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (!key.trim()) return setProblem('Give the var a name');
          props.onChange({ set: { [key.trim()]: value } });
          setKey('');
          setValue('');
          setProblem(null);
        }}
      >
        <label>
          Key <input name="config-key" value={key} onInput={(e) => setKey(e.currentTarget.value)} autocomplete="off" spellcheck={false} />
        </label>{' '}
        <label>
          Value <input name="config-value" value={value} onInput={(e) => setValue(e.currentTarget.value)} autocomplete="off" spellcheck={false} />
        </label>{' '}
        <button type="submit" disabled={props.busy}>
          Set
        </button>
      </form>
      <Problem text={problem} />
    </>
  );
}

export function DomainsEditor(props: { app: string; domains: { host: string }[]; onChanged: () => void }) {
  const [host, setHost] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const change = (method: 'POST' | 'DELETE', path: string, body?: unknown) =>
    api(method, path, body).then(
      () => (setProblem(null), props.onChanged()),
      (e: Error) => setProblem(e.message),
    );
  return (
    <>
      <ul class="plain">
        {props.domains.map((d) => (
          <li key={d.host} data-domain={d.host}>
            {d.host}{' '}
            <button
              type="button"
              aria-label={`Remove ${d.host}`}
              onClick={() =>
                confirm(`Remove ${d.host} from ${props.app}?`) && void change('DELETE', `/apps/${props.app}/domains/${encodeURIComponent(d.host)}`)
              }
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (host.trim()) void change('POST', `/apps/${props.app}/domains`, { host: host.trim() }).then(() => setHost(''));
        }}
      >
        <label>
          Domain <input name="domain" value={host} onInput={(e) => setHost(e.currentTarget.value)} placeholder="www.example.com" autocomplete="off" />
        </label>{' '}
        <button type="submit">Add domain</button>
      </form>
      <Problem text={problem} />
    </>
  );
}
