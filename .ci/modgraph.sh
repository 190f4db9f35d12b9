#!/usr/bin/env bash
# The import graph between the top-level modules of src/ (issue 17): prints one line
# "from -> to" per edge and fails if a module other than main.rs imports `cmd` (cmd/ is a
# leaf: one file per subcommand, nothing calls back into it) or if the edges form a
# circle. Edges are read from `crate::x` paths (in `use` lines and in code) and
# `use crate::{x, y}` groups; a module's own paths and nested circles inside one top-level
# module do not count, nor do comments. `super::super::x` reaching the crate root is counted too.
set -euo pipefail
cd "$(dirname "$0")/../src"

# The code of some files: comment lines (docs, `//!`, `///`) left out, since an intra-doc
# link to a later stage is a pointer for the reader, not a dependency.
code() { cat "$@" | grep -vE '^[[:space:]]*//' || true; }

edges=$(mktemp)
trap 'rm -f "$edges"' EXIT

for entry in *; do
    case "$entry" in main.rs | lib.rs) continue ;; esac
    from=${entry%.rs}
    if [ -d "$entry" ]; then files=$(find "$entry" -name '*.rs'); else files=$entry; fi
    # shellcheck disable=SC2086
    {
        code $files | grep -oE 'crate::[a-z_][a-z0-9_]*' | sed 's/^crate:://' || true
        code $files | grep -oE 'crate::\{[^}]*\}' | sed -E 's/^crate::\{//; s/\}$//' |
            tr ',' '\n' | sed -E 's/^ *//; s/::.*//; s/ .*//' || true
        if [ -d "$entry" ]; then
            code $(find "$entry" -mindepth 1 -maxdepth 1 -name '*.rs' ! -name mod.rs) |
                grep -oE 'super::super::[a-z_][a-z0-9_]*' | sed 's/^super::super:://' || true
        fi
    } | { grep -vxE "$from|self|super|" || true; } | sort -u | while read -r to; do
        if [ -e "$to.rs" ] || [ -d "$to" ]; then echo "$from $to"; fi
    done
done | sort -u >"$edges"

echo "== module graph (from -> to)"
awk '{ printf "%s -> %s\n", $1, $2 }' "$edges"

status=0
if grep -E ' cmd$' "$edges" >/dev/null; then
    echo "error: only main.rs may import cmd; imported by: $(grep -E ' cmd$' "$edges" | cut -d' ' -f1 | tr '\n' ' ')" >&2
    status=1
fi
if ! tsort "$edges" >/dev/null 2>"$edges.err"; then
    echo "error: circle between top-level modules:" >&2
    sed 's/^tsort: /  /' "$edges.err" >&2
    status=1
fi
rm -f "$edges.err"
exit $status
