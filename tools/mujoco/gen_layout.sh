#!/usr/bin/env bash
# Regenerates the MuJoCo struct layout used by the P/Invoke binding from the installed headers
# (Debian: apt-get install -y libmujoco-dev). Usage: tools/mujoco/gen_layout.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
gcc -std=c11 -Wall -Werror -O0 -o "$tmp/gen_layout" "$root/tools/mujoco/gen_layout.c"
"$tmp/gen_layout" > "$tmp/MjLayout.g.cs"
mv "$tmp/MjLayout.g.cs" "$root/src/SharpRL.Environments/MuJoCo/Native/MjLayout.g.cs"
echo "wrote src/SharpRL.Environments/MuJoCo/Native/MjLayout.g.cs"
