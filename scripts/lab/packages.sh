# Installs the lab's Debian packages that are missing, never upgrading others.
# shellcheck shell=bash

missing_packages() {
  local p status
  while read -r p; do
    [[ -z $p || $p == \#* ]] && continue
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [[ $status == installed ]] || printf '%s\n' "$p"
  done < "$LAB_SCRIPTS/packages.txt"
}

packages_up() {
  local missing
  missing=$(missing_packages)
  if [[ -z $missing ]]; then
    echo "    all $(grep -cv '^\s*\(#\|$\)' "$LAB_SCRIPTS/packages.txt") packages present"
    return 0
  fi
  echo "    installing: $(echo "$missing" | tr '\n' ' ')"
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-upgrade --no-install-recommends $missing \
    || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-upgrade --no-install-recommends $missing; }
}
