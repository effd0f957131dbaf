// `osm-play --help`: usage, options, examples with the OSM playbooks, exit codes.
export const HELP = `osm-play — run Ansible-dialect playbooks against Open Smart Monitor hosts

Usage:
  osm-play [options] PLAYBOOK...
  osm-play schema                    print the playbook JSON Schema (for yaml-language-server)
  osm-play doc [MODULE] [--markdown] list modules, or show one module's arguments and example

Options:
  -i, --inventory SOURCE     inventory file, directory or comma list (a,b,); repeatable
  -e, --extra-vars VARS      k=v [k=v...], @file.yaml|json, or inline JSON/YAML; repeatable, later wins
  -C, --check                plan only: show what would change, change nothing
  -D, --diff                 show unified diffs of file changes
  -l, --limit PATTERN        only these hosts (Ansible patterns: a:b, a:&b, a:!b, wildcards)
  -t, --tags TAGS            only tasks with these tags (comma list; repeatable)
      --skip-tags TAGS       skip tasks with these tags
  -f, --forks N              hosts in parallel (default: all hosts, at most 50)
      --list-hosts           list the hosts each play would run on, then stop
      --list-tasks           list the tasks each play would run, then stop
      --syntax-check         load and validate everything, then stop
      --step                 confirm each task on each host before it runs: y(es), n(o: skip it),
                             c(ontinue without asking); answers are lines on stdin
      --profile-tasks        after the recap, per task and host: gather/plan/apply time and the
                             number of remote commands (as Ansible's profile_tasks callback)
  -v, -vv, -vvv              more output (changes at -v, task starts at -vv)
      --json [FILE.json]     machine-readable report on stdout (terminal output moves to stderr) or to FILE
      --junit FILE           JUnit XML report for CI
  -b, --become               run tasks with privilege escalation (sudo) unless they say otherwise
      --become-user USER     become this user (default root)
  -K, --ask-become-pass      read the become password (from the terminal without echo, or from stdin)
      --lock-timeout SECONDS wait this long for another run's host lock (default 60)
      --accept-new-host-keys add unknown SSH host keys to known_hosts (changed keys are always refused)
  -h, --help                 this text
      --version              print the version

Examples:
  osm-play -i inventory/hosts playbooks/setup-host.yaml
  osm-play -i inventory/hosts playbooks/create-container.yaml -e customer_name=acme -e mqtt_port=8883
  osm-play -i inventory/hosts playbooks/create-container.yaml -e customer_name=acme -e mqtt_port=8883 --check --diff
  osm-play -i inventory/hosts playbooks/delete-container.yaml -e customer_name=acme --limit osm1
  osm-play -i inventory/hosts playbooks/status.yaml --json status.json
  osm-play --syntax-check playbooks/*.yaml

Exit codes:
  0  every task ok          2  a task failed
  1  usage or validation    4  a host was unreachable (wins over 2)
`;
