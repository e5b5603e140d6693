#!/usr/bin/env bash
# Installs isconf under DESTDIR/PREFIX: the two binaries of BIN_DIR, their man pages (made by
# swift-argument-parser's manual generator from the command definitions), their bash, zsh and fish
# completions (made by the binaries themselves) and the systemd unit of isconf-watch, its ExecStart
# pointing at PREFIX/bin. `make install` and scripts/package-deb.sh run it, so both install the same.
#
# Usage: scripts/install-tree.sh [--gzip-man] BIN_DIR DESTDIR PREFIX
#   --gzip-man   compress the man pages (gzip -9n), as Debian packages ship them
set -euo pipefail

gzip_man=0
if [ "${1:-}" = --gzip-man ]; then gzip_man=1; shift; fi
if [ $# -ne 3 ]; then
  echo "usage: $0 [--gzip-man] BIN_DIR DESTDIR PREFIX" >&2
  exit 64
fi
bin_dir=$1 destdir=$2 prefix=$3
root="$(cd "$(dirname "$0")/.." && pwd)"

case "$prefix" in
  /*) ;;
  *) echo "install-tree: PREFIX must be an absolute path (systemd runs \$PREFIX/bin/isconf-watch), not $prefix" >&2; exit 64 ;;
esac
for binary in isconf isconf-watch; do
  if [ ! -x "$bin_dir/$binary" ]; then
    echo "install-tree: $bin_dir/$binary is missing or not executable: build it first (make release)" >&2
    exit 2
  fi
done

target="$destdir$prefix"
install -d "$target/bin" "$target/share/man/man1" "$target/share/bash-completion/completions" \
  "$target/share/zsh/site-functions" "$target/share/fish/vendor_completions.d" "$target/lib/systemd/system"
install -m 0755 "$bin_dir/isconf" "$bin_dir/isconf-watch" "$target/bin/"

# Man pages: one full page per binary (isconf.1 covers every subcommand), dated like the changelog.
manual_tool="$("$root/scripts/manual-tool.sh")"
version="$("$bin_dir/isconf" --version)"
date="$(date -u -d "@$("$root/scripts/source-date.sh")" +%Y-%m-%d)"
pages="$(mktemp -d)"
trap 'rm -rf "$pages"' EXIT
for binary in isconf isconf-watch; do
  # The generator drops every non-ASCII character ("IS ≤ 5.8" would read "IS  5.8"): keep help ASCII.
  if non_ascii="$("$bin_dir/$binary" --experimental-dump-help | LC_ALL=C grep -o -m 3 '.\{0,30\}[^[:print:][:space:]]' )"; then
    echo "install-tree: $binary's help has characters the man page would lose; write them in ASCII: $non_ascii" >&2
    exit 1
  fi
  "$manual_tool" "$bin_dir/$binary" --date "$date" --section 1 --output-directory "$pages"
  # mdoc's .Os names where a page comes from: the footer then says "isconf 0.1.0".
  sed -i "s/^\.Os\$/.Os isconf $version/" "$pages/$binary.1"
  grep -q "^\.Os isconf $version\$" "$pages/$binary.1" || { echo "install-tree: no .Os line in $binary.1" >&2; exit 1; }
  install -m 0644 "$pages/$binary.1" "$target/share/man/man1/"
  if [ $gzip_man = 1 ]; then gzip -9nf "$target/share/man/man1/$binary.1"; fi
done

# Completions, from swift-argument-parser's generator inside each binary.
for binary in isconf isconf-watch; do
  # bash-completion sources the file: its #! line would only mislead.
  "$bin_dir/$binary" --generate-completion-script bash | sed '1{/^#!/d}' >"$target/share/bash-completion/completions/$binary"
  "$bin_dir/$binary" --generate-completion-script zsh >"$target/share/zsh/site-functions/_$binary"
  "$bin_dir/$binary" --generate-completion-script fish >"$target/share/fish/vendor_completions.d/$binary.fish"
done
chmod 0644 "$target"/share/bash-completion/completions/* "$target"/share/zsh/site-functions/* \
  "$target"/share/fish/vendor_completions.d/*

# The unit, running the isconf-watch installed here; not enabled (its ADAPT lines come first).
sample="$root/conf-samples/systemd/isconf-watch.service"
unit="$(cat "$sample")"
sample_exec="ExecStart=/usr/local/bin/isconf-watch "
case "$unit" in
  *"$sample_exec"*) ;;
  *) echo "install-tree: $sample has no line starting with $sample_exec" >&2; exit 1 ;;
esac
printf '%s\n' "${unit//"$sample_exec"/"ExecStart=$prefix/bin/isconf-watch "}" >"$target/lib/systemd/system/isconf-watch.service"
chmod 0644 "$target/lib/systemd/system/isconf-watch.service"
