// `osm-play completion bash`: a bash completion script. Options come from the parser's own table and
// module names from the registry, so the script cannot drift from what the CLI accepts.
import { SPECS } from './args.js';

const SUBCOMMANDS = ['schema', 'doc', 'completion'];

/** Options whose value is a file: complete paths after them. */
const FILE_VALUED = ['-i', '--inventory', '--junit', '--json'];

const words = (xs: readonly string[]): string => xs.join(' ');

export function bashCompletion(moduleNames: readonly string[]): string {
  const options = [...SPECS.flatMap((s) => s.names), '-v', '-vv', '-vvv', '--verbose'];
  const valued = SPECS.filter((s) => s.kind === 'value').flatMap((s) => s.names).filter((n) => !FILE_VALUED.includes(n));
  return `# bash completion for osm-play; load with: source <(osm-play completion bash)
_osm_play() {
  local cur prev i sub
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  sub=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      ${SUBCOMMANDS.join('|')}) sub="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  COMPREPLY=()
  case "$sub" in
    doc) [[ "$cur" == -* ]] && COMPREPLY=($(compgen -W "--markdown" -- "$cur")) || COMPREPLY=($(compgen -W "${words(moduleNames)}" -- "$cur")); return ;;
    completion) COMPREPLY=($(compgen -W "bash" -- "$cur")); return ;;
    schema) return ;;
  esac
  case "$prev" in
    ${FILE_VALUED.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    ${valued.join('|')}) return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "${words(options)}" -- "$cur"))
    return
  fi
  # Playbooks: *.yaml and *.yml files, and directories to descend into.
  local f
  while IFS= read -r f; do
    case "$f" in *.yaml|*.yml) COMPREPLY+=("$f") ;; esac
  done < <(compgen -f -- "$cur")
  while IFS= read -r f; do COMPREPLY+=("$f"); done < <(compgen -d -- "$cur")
  if ((COMP_CWORD == 1)); then COMPREPLY+=($(compgen -W "${words(SUBCOMMANDS)}" -- "$cur")); fi
}
complete -o filenames -F _osm_play osm-play
`;
}
