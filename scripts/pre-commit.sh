#!/usr/bin/env bash
# Git pre-commit hook (.githooks/pre-commit; `npm start`/`npm test` point core.hooksPath there in a clone):
# Biome formats and lints the staged files it handles (biome.json), and its fixes are staged with them.
# A file that also has unstaged changes is only checked, as it is in the work tree: fixing and re-adding it would
# stage those changes too.
# Skip once with `git commit --no-verify`.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

biome=node_modules/.bin/biome
if [[ ! -x $biome ]]; then
  echo "pre-commit: $biome is missing (run npm run build once); not checked" >&2
  exit 0
fi

mapfile -d '' -t staged < <(git diff --cached --name-only --diff-filter=ACMR -z)
((${#staged[@]})) || exit 0
mapfile -d '' -t partly < <(git diff --name-only -z -- "${staged[@]}")

declare -A dirty=()
for file in "${partly[@]}"; do dirty[$file]=1; done
whole=()
for file in "${staged[@]}"; do [[ -n ${dirty[$file]:-} ]] || whole+=("$file"); done

options=(--no-errors-on-unmatched --files-ignore-unknown=true)
if ((${#whole[@]})); then
  "$biome" check --write "${options[@]}" -- "${whole[@]}"
  git add -- "${whole[@]}"
fi
if ((${#partly[@]})); then
  "$biome" check "${options[@]}" -- "${partly[@]}"
fi
