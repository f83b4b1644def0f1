#!/usr/bin/env bash
# ensure-apt.sh pkg:command ...  installs each Debian package whose command is missing (idempotent).
set -euo pipefail
missing=()
for spec in "$@"; do
  pkg="${spec%%:*}"; cmd="${spec##*:}"
  command -v "$cmd" >/dev/null || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "[ensure-apt] installing ${missing[*]}" >&2
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
