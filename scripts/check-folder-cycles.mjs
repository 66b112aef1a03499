// Fails when two folders of src/ import each other, directly or through others (madge reads the graph of files;
// this collapses it to folders, where the data flow ssh -> queue -> build -> verify -> release -> router must hold).
import path from 'node:path';
import madge from 'madge';

const root = process.argv[2] ?? 'dist/src';
const graph = (await madge(root, { fileExtensions: ['js'] })).obj();
const folderOf = (file) => (file.includes('/') ? file.split('/')[0] : file.replace(/.ts$/, ''));
const edges = new Map();
for (const [file, imports] of Object.entries(graph)) {
  const from = folderOf(file);
  for (const imported of imports) {
    const to = folderOf(imported);
    if (from === to) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${file} -> ${imported}`);
  }
}
// A cycle is a path back to where it started: depth-first search from each folder.
const cycles = [];
for (const start of edges.keys()) {
  const stack = [[start, [start]]];
  const seen = new Set();
  while (stack.length) {
    const [at, trail] = stack.pop();
    for (const next of edges.get(at)?.keys() ?? []) {
      if (next === start) cycles.push(trail.concat(start));
      else if (!seen.has(next) && next > start) {
        seen.add(next);
        stack.push([next, trail.concat(next)]);
      }
    }
  }
}
if (cycles.length === 0) {
  console.log(`folders: no cycles among ${edges.size} folders of ${path.resolve(root)}`);
} else {
  for (const cycle of cycles) {
    console.error(`folder cycle: ${cycle.join(' -> ')}`);
    for (let i = 0; i + 1 < cycle.length; i++) console.error(`  ${edges.get(cycle[i]).get(cycle[i + 1])}`);
  }
  process.exit(1);
}
