#!/bin/sh
# Rewrites the README's rule catalogue, the lines between <!-- rules:start --> and <!-- rules:end -->,
# with what `isconf rules --format markdown` prints. Usage: update-catalogue.sh ISCONF_BINARY README
set -eu
binary=$1
readme=$2
grep -qx '<!-- rules:start -->' "$readme" && grep -qx '<!-- rules:end -->' "$readme" || {
  echo "update-catalogue.sh: $readme has no <!-- rules:start --> and <!-- rules:end --> lines" >&2
  exit 1
}
table=$(mktemp)
updated=$(mktemp)
trap 'rm -f "$table" "$updated"' EXIT
"$binary" rules --format markdown >"$table"
awk -v table="$table" '
  $0 == "<!-- rules:end -->" { inside = 0 }
  !inside { print }
  $0 == "<!-- rules:start -->" { while ((getline line < table) > 0) print line; inside = 1 }
' "$readme" >"$updated"
# Written over the README in place, so that its permissions and any link to it stay.
cat "$updated" >"$readme"
