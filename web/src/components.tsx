// Small pieces every page uses: a status badge, a log view that follows its end, a problem line, a section.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { tone } from './format.js';

export function Badge({ status }: { status: string }) {
  return <span class={`badge ${tone(status)}`}>{status}</span>;
}

/** Lines of a build, a job or an app's logs; stays scrolled to the end while new lines come, unless scrolled up. */
export function LogView({ lines, label }: { lines: string[]; label: string }) {
  const ref = useRef<HTMLPreElement>(null);
  const pinned = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [lines.length]);
  return (
    <pre
      class="log"
      role="log"
      aria-label={label}
      tabIndex={0}
      ref={ref}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 30;
      }}
    >
      {lines.join('\n')}
    </pre>
  );
}

export function Problem({ text }: { text: string | null }) {
  return text ? (
    <p class="problem" role="alert">
      {text}
    </p>
  ) : null;
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section aria-labelledby={`${id ?? title}-h`} id={id}>
      <h2 id={`${id ?? title}-h`}>{title}</h2>
      {children}
    </section>
  );
}

/** Runs `load` now and whenever `deps` change; `reload` runs it again. */
export function useLoad(load: () => Promise<void>, deps: unknown[]): void {
  useEffect(() => {
    void load();
  }, deps);
}
