// Builds the dashboard (web/) into dist/web: one bundled, minified script (Preact, no CDN), its stylesheet and page.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'web');
fs.mkdirSync(out, { recursive: true });
await build({
  entryPoints: [path.join(root, 'web', 'src', 'main.tsx')],
  outfile: path.join(out, 'app.js'),
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
});
fs.copyFileSync(path.join(root, 'web', 'index.html'), path.join(out, 'index.html'));
fs.copyFileSync(path.join(root, 'web', 'style.css'), path.join(out, 'app.css'));
