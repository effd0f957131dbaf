// `osm-play --help`: usage, options, examples with the OSM playbooks, exit codes.
export const HELP = `osm-play — run Ansible-dialect playbooks against Open Smart Monitor hosts

Usage:
  osm-play [options] PLAYBOOK...
  osm-play schema                    print the playbook JSON Schema (for yaml-language-server)
  osm-play doc [MODULE] [--markdown] list modules, or show one module's arguments and example
  osm-play vault ACTION ...          ansible-vault's create|encrypt|decrypt|view|edit|encrypt_string
  osm-play completion bash           print bash completion (source <(osm-play completion bash))

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
      --list-tags            list the tags of each play's tasks, then stop
      --start-at-task NAME   pass over the tasks before the first one named NAME (or "role : NAME", or a pattern)
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
      --vault-password-file FILE  vault password file, or an executable printing it
      --vault-id [LABEL@]SOURCE   a labelled vault password (SOURCE: file, executable or 'prompt')
  -J, --ask-vault-pass       read the vault password (like -K)
      --lock-timeout SECONDS wait this long for another run's host lock (default 60)
      --accept-new-host-keys add unknown SSH host keys to known_hosts (changed keys are always refused)
  -c, --connection TYPE      local, ssh or lxc, where the play and the inventory name none
  -u, --user USER            SSH user where the play (remote_user) and the inventory (ansible_user) name none
      --private-key FILE     SSH key where the inventory names none (also --key-file)
  -T, --timeout SECONDS      SSH connect timeout (default 10)
      --flush-cache          accepted for ansible-playbook compatibility: facts are gathered afresh each run
  -k, --ask-pass             refused: SSH passwords are not supported; use a key or ssh-agent
  -h, --help                 this text
      --version              print the version

Examples:
  osm-play -i inventory/hosts playbooks/setup-host.yaml
  osm-play -i inventory/hosts playbooks/create-container.yaml -e customer_name=acme -e mqtt_port=8883
  osm-play -i inventory/hosts playbooks/create-container.yaml -e customer_name=acme -e mqtt_port=8883 --check --diff
  osm-play -i inventory/hosts playbooks/delete-container.yaml -e customer_name=acme --limit osm1
  osm-play -i inventory/hosts playbooks/status.yaml --json status.json
  osm-play --syntax-check playbooks/*.yaml

Configuration (as ansible-playbook; the command line wins, then ANSIBLE_* variables, then the file):
  the first of $ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg, /etc/ansible/ansible.cfg is read:
  [defaults] inventory, roles_path, remote_user, forks, host_key_checking, private_key_file, timeout;
  [privilege_escalation] become, become_user, become_method. Variables: ANSIBLE_INVENTORY,
  ANSIBLE_ROLES_PATH, ANSIBLE_REMOTE_USER, ANSIBLE_FORKS, ANSIBLE_HOST_KEY_CHECKING,
  ANSIBLE_PRIVATE_KEY_FILE, ANSIBLE_TIMEOUT, ANSIBLE_BECOME, ANSIBLE_BECOME_USER, ANSIBLE_BECOME_METHOD.
  host_key_checking = False accepts unknown host keys (as --accept-new-host-keys); changed keys are
  still refused.

Exit codes:
  0  every task ok          2  a task failed
  1  usage or validation    4  a host was unreachable (wins over 2)
`;
