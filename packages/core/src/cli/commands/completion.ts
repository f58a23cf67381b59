/**
 * `outpools completion bash|zsh`: print a shell completion script built from the command table,
 * so commands and options complete exactly as the CLI parses them.
 * @module
 */
import { parseOrHelp } from '../args.js';
import { COMMANDS } from '../commands.js';
import { type CliCommand, type CliIo, ExitCode, UsageError } from '../io.js';

const usage = `Usage: outpools completion bash|zsh

Print a shell completion script: commands, their options, and .toml files for the file argument.

  bash: source <(outpools completion bash)       (or save it in /etc/bash_completion.d/outpools)
  zsh:  source <(outpools completion zsh)        (after compinit; or save it as _outpools in a $fpath directory)`;

const SHELLS = ['bash', 'zsh'] as const;

/** One command as the scripts see it. */
interface CommandShape {
  readonly name: string;
  readonly summary: string;
  readonly takesFile: boolean;
  readonly options: readonly { readonly flag: string; readonly takesValue: boolean; readonly help: string }[];
}

/** The description of each `--option` in a usage text (`  --json   print ...`). */
function optionHelp(usageText: string): Map<string, string> {
  const help = new Map<string, string>();
  for (const m of usageText.matchAll(/^ {2}(--[\w-]+)(?: \S+)?\s{2,}(.+)$/gm)) help.set(m[1]!, m[2]!.trim());
  return help;
}

/** For options a command's usage does not describe itself. */
const COMMON_HELP: Readonly<Record<string, string>> = {
  '--json': 'print one JSON document',
  '--hosts': 'hosts that scope = "host" expands over',
  '--host-types': 'host types that scope = "host" expands over',
  '--plugin': 'load pool drivers from a module path or package',
  '--help': 'print the usage',
};

async function shapes(): Promise<CommandShape[]> {
  const out: CommandShape[] = [];
  for (const [name, load] of Object.entries(COMMANDS)) {
    const command = await load();
    const help = optionHelp(command.usage);
    const options = Object.entries(command.options ?? {}).map(([option, spec]) => ({
      flag: `--${option}`,
      takesValue: spec.type === 'string',
      help: (help.get(`--${option}`) ?? COMMON_HELP[`--${option}`] ?? '').replace(/: .*$/, ''),
    }));
    out.push({ name, summary: command.summary, takesFile: command.takesFile === true, options });
  }
  return out;
}

/** The bash script: `_outpools` reads COMP_WORDS/COMP_CWORD and fills COMPREPLY. */
export function bashScript(commands: readonly CommandShape[]): string {
  const names = [...commands.map((c) => c.name), '--help', '--version'].join(' ');
  const cases = commands.map((c) => {
    const flags = c.options.map((o) => o.flag).join(' ');
    const valued = c.options.filter((o) => o.takesValue).map((o) => o.flag);
    return `    ${c.name}) opts="${flags}"; valued="${valued.join(' ')}"; file=${c.takesFile ? 1 : 0} ;;`;
  });
  return `# bash completion for outpools: source <(outpools completion bash)
_outpools() {
  local cur prev cmd opts valued file
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  COMPREPLY=()
  if [ "$COMP_CWORD" -le 1 ]; then
    COMPREPLY=($(compgen -W "${names}" -- "$cur"))
    return 0
  fi
  cmd="\${COMP_WORDS[1]}"
  opts=""; valued=""; file=0
  case "$cmd" in
${cases.join('\n')}
    *) return 0 ;;
  esac
  if [ "$cmd" = completion ] && [[ "$cur" != -* ]]; then
    COMPREPLY=($(compgen -W "${SHELLS.join(' ')}" -- "$cur"))
    return 0
  fi
  case " $valued " in
    *" $prev "*)
      if [ "$prev" = --plugin ]; then COMPREPLY=($(compgen -f -- "$cur")); fi
      return 0 ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [ "$file" = 1 ]; then
    COMPREPLY=($(compgen -f -X '!*.toml' -- "$cur") $(compgen -d -- "$cur"))
  fi
  return 0
}
complete -o filenames -F _outpools outpools
`;
}

const zshQuote = (text: string): string => text.replace(/[[\]:']/g, (c) => (c === "'" ? `'\\''` : `\\${c}`));

/** The zsh script: `_outpools` for compsys (`_arguments` per command). */
export function zshScript(commands: readonly CommandShape[]): string {
  const list = commands.map((c) => `    '${c.name}:${zshQuote(c.summary)}'`).join('\n');
  const cases = commands.map((c) => {
    const specs = c.options.map((o) => {
      const repeat = o.flag === '--plugin' ? '*' : '';
      const value = o.takesValue ? (o.flag === '--plugin' ? ':module:_files' : `:${o.flag.slice(2)}: `) : '';
      return `'${repeat}${o.flag}[${zshQuote(o.help)}]${value}'`;
    });
    if (c.takesFile) specs.push(`'1:configuration file:_files -g "*.toml"'`);
    if (c.name === 'completion') specs.push(`'1:shell:(${SHELLS.join(' ')})'`);
    return `    ${c.name}) _arguments ${specs.join(' ')} ;;`;
  });
  return `#compdef outpools
# zsh completion for outpools: source <(outpools completion zsh), after compinit
_outpools() {
  local -a commands
  commands=(
${list}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'outpools command' commands
    _arguments '--help[print the commands]' '--version[print the version]'
    return
  fi
  local cmd=$words[2]
  shift words
  (( CURRENT-- ))
  case $cmd in
${cases.join('\n')}
  esac
}
if [ "$funcstack[1]" = "_outpools" ]; then _outpools "$@"; else compdef _outpools outpools; fi
`;
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false },
} as const;

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseOrHelp(args, OPTIONS, usage, io);
  if (parsed === undefined) return ExitCode.ok;
  const { positionals } = parsed;
  const [shell, ...extra] = positionals;
  if (shell === undefined) throw new UsageError('missing the shell: bash or zsh');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (shell !== 'bash' && shell !== 'zsh') throw new UsageError(`unknown shell ${JSON.stringify(shell)}: bash or zsh`);
  const commands = await shapes();
  io.stdout(shell === 'bash' ? bashScript(commands) : zshScript(commands));
  return ExitCode.ok;
}

/** `outpools completion`. */
export const command: CliCommand = {
  summary: 'print a bash or zsh completion script',
  usage,
  options: OPTIONS,
  run,
};
