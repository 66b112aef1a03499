import test from 'ava';
import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { buildProgram } from '../../../src/commands/program.js';
import { colourLines, wantsColour } from '../../../src/commands/colour.js';
import type { CliIo } from '../../../src/commands/io.js';

function completionOf(shell: string): string {
  let out = '';
  const io = { out: (text: string) => void (out += text), err: () => {}, setExit: () => {} } as unknown as CliIo;
  const program: Command = buildProgram(io, { exitOverride: true });
  program.parse(['completion', shell], { from: 'user' });
  return out;
}

/** What bash completes `line` to with the script sourced. */
function complete(line: string): string {
  const script = completionOf('bash');
  const run = spawnSync('bash', ['-c', `${script}\nCOMP_LINE="$1"; COMP_POINT=\${#COMP_LINE}; _paas; echo "\${COMPREPLY[*]}"`, 'bash', line], {
    encoding: 'utf8',
  });
  return run.stdout.trim();
}

test('bash completes command names, the part after ":" as bash wants, and the options of the command typed', (t) => {
  t.is(complete('paas conf'), 'config config:get config:set config:unset');
  t.is(complete('paas services:cr'), 'create');
  t.is(complete('paas logs shop --ta'), '--tail');
  t.is(complete('paas nosuch --'), '');
});

test('zsh gets the same completion through bashcompinit; other shells are refused', (t) => {
  t.regex(completionOf('zsh'), /^autoload -U \+X bashcompinit && bashcompinit\n/);
  t.throws(() => completionOf('fish'), { message: /no completion for "fish": use bash or zsh/ });
});

test('house prefixes are coloured on a terminal, never with NO_COLOR', (t) => {
  t.is(colourLines('-----> Building\n       detail\n !     failed'), '\x1b[1;36m----->\x1b[0m Building\n       detail\n\x1b[1;31m !     failed\x1b[0m');
  t.is(colourLines('remote: =====> Done'), 'remote: \x1b[1;32m=====>\x1b[0m Done');
  t.true(wantsColour(true, {}));
  t.false(wantsColour(true, { NO_COLOR: '1' }));
  t.false(wantsColour(false, {}));
});
