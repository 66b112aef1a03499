// Pure: `paas completion bash|zsh`: a completion script made from the command tree itself (command names, then
// the options of the command typed), so it never falls behind the commands. zsh uses it through bashcompinit.
import { PaasError } from '../errors.js';

export interface CommandWords {
  name: string;
  options: string[];
}

/** Pure: quotes a word list for a bash array (the words are commander's own names: letters, digits, -, :). */
const words = (list: string[]) => list.filter((w) => /^[a-z0-9:-]+$/i.test(w) || /^--?[a-z0-9-]+$/i.test(w)).join(' ');

export function completionScript(shell: string, commands: CommandWords[]): string {
  if (shell !== 'bash' && shell !== 'zsh')
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `no completion for ${JSON.stringify(shell.slice(0, 20))}: use bash or zsh`);
  const cases = commands
    .filter((c) => c.options.length)
    .map((c) => `    ${c.name}) opts="${words(c.options)}" ;;`)
    .join('\n');
  const bash = `# paas completion (${shell}): eval "$(paas completion ${shell})", or save it where your shell loads completions
_paas() {
  # Read from the line itself: bash splits "config:set" at ":" into several words.
  local line="\${COMP_LINE:0:\${COMP_POINT}}"
  local rest="\${line#* }"
  local word="\${rest##* }"
  local opts=""
  if [[ "\${rest}" != *" "* ]]; then
    opts="${words(commands.map((c) => c.name))}"
  else
    case "\${rest%% *}" in
${cases}
    esac
  fi
  COMPREPLY=( $(compgen -W "\${opts}" -- "\${word}") )
  # bash replaces only the part of the word after its last ":".
  if [[ "\${word}" == *:* ]]; then
    local prefix="\${word%"\${word##*:}"}"
    COMPREPLY=( "\${COMPREPLY[@]#"\${prefix}"}" )
  fi
}
complete -F _paas paas
`;
  return shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${bash}` : bash;
}
