#!/usr/bin/env bash
# Builds OUT_DIR/isconf_<version>-<revision>_<arch>.deb from the binaries in BIN_DIR with the standard
# Debian tools: install-tree.sh lays out /usr (binaries, man pages, completions, the systemd unit),
# dpkg-shlibdeps works out Depends from the libraries the binaries link, dpkg-gencontrol writes the
# control file, dpkg-deb --root-owner-group builds the package (no root, no fakeroot).
#
# Usage: scripts/package-deb.sh [--debug-build] BIN_DIR OUT_DIR
#   --debug-build  accept binaries that link the Swift runtime dynamically (a plain `swift build`):
#                  the package then runs only beside this toolchain, so it is for the tests, which
#                  cannot wait for a release build. `make deb` packages the release build, whose
#                  Swift runtime is linked in (--static-swift-stdlib).
# Environment: DEB_REVISION (default 1); DEBFULLNAME and DEBEMAIL name the maintainer (default: git's
# user.name and user.email); SOURCE_DATE_EPOCH dates the changelog and man pages (default: the last
# commit's time).
set -euo pipefail

debug_build=0
if [ "${1:-}" = --debug-build ]; then debug_build=1; shift; fi
if [ $# -ne 2 ]; then
  echo "usage: $0 [--debug-build] BIN_DIR OUT_DIR" >&2
  exit 64
fi
bin_dir="$(cd "$1" && pwd)" out_dir=$2
root="$(cd "$(dirname "$0")/.." && pwd)"
fail() { echo "package-deb: $*" >&2; exit 1; }

# The version is written once, in Version.swift; binaries that say otherwise are stale.
version="$(sed -n 's/^public let isconfVersion = "\(.*\)"$/\1/p' "$root/Sources/ISConfCommandLine/Version.swift")"
[ -n "$version" ] || fail "no isconfVersion in Sources/ISConfCommandLine/Version.swift"
for binary in isconf isconf-watch; do
  [ -x "$bin_dir/$binary" ] || fail "$bin_dir/$binary is missing: build it first"
  said="$("$bin_dir/$binary" --version)"
  [ "$said" = "$version" ] || fail "$bin_dir/$binary --version says $said, Version.swift $version: rebuild it"
  if readelf -d "$bin_dir/$binary" | grep -q 'NEEDED.*\[libswiftCore\.so\]' && [ $debug_build = 0 ]; then
    fail "$bin_dir/$binary links the Swift runtime dynamically: build it with --static-swift-stdlib (make deb does), or pass --debug-build for a package that runs only beside this toolchain"
  fi
done

# Every Swift package linked in must be in the copyright file.
dependencies="$(swift package --package-path "$root" show-dependencies --format flatlist | sort -u)" \
  && [ -n "$dependencies" ] || fail "swift package show-dependencies listed no dependencies"
for dependency in $dependencies; do
  grep -q "^ *\(Files: \)\?\.build/checkouts/$dependency/\*\$" "$root/packaging/debian/copyright" \
    || fail "packaging/debian/copyright does not list the Swift package $dependency: add it with its license"
done

maintainer_name="${DEBFULLNAME:-$(git -C "$root" config user.name || true)}"
maintainer_email="${DEBEMAIL:-$(git -C "$root" config user.email || true)}"
[ -n "$maintainer_name" ] && [ -n "$maintainer_email" ] \
  || fail "no maintainer: set DEBFULLNAME and DEBEMAIL (or git's user.name and user.email)"
package_version="$version-${DEB_REVISION:-1}"
arch="$(dpkg --print-architecture)"
source_date="$("$root/scripts/source-date.sh")"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || true)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tree="$work/debian/isconf"  # where dpkg-shlibdeps and dpkg-gencontrol expect the package
"$root/scripts/install-tree.sh" --gzip-man "$bin_dir" "$tree" /usr
# What dh_strip does to executables: the symbols the Swift runtime needs at run time stay.
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$tree/usr/bin/isconf" "$tree/usr/bin/isconf-watch"

doc="$tree/usr/share/doc/isconf"
install -d "$doc" "$tree/usr/share/lintian/overrides" "$tree/DEBIAN"
install -m 0644 "$root/packaging/debian/copyright" "$doc/copyright"
install -m 0644 "$root/packaging/debian/lintian-overrides" "$tree/usr/share/lintian/overrides/isconf"
{
  echo "isconf ($package_version) unstable; urgency=medium"
  echo
  echo "  * isconf $version${commit:+, built from git commit $commit}."
  echo "  * What changed is in the project's git history."
  echo
  echo " -- $maintainer_name <$maintainer_email>  $(date -u -R -d "@$source_date")"
} >"$work/debian/changelog"
gzip -9nc "$work/debian/changelog" >"$doc/changelog.Debian.gz"
chmod 0644 "$doc/changelog.Debian.gz"

cp "$root/packaging/debian/control" "$work/debian/control"
missing_info=()
[ $debug_build = 1 ] && missing_info=(--ignore-missing-info)  # libswiftCore.so belongs to no package
(
  cd "$work"
  dpkg-shlibdeps "${missing_info[@]}" -Tdebian/isconf.substvars debian/isconf/usr/bin/isconf debian/isconf/usr/bin/isconf-watch
  dpkg-gencontrol -pisconf -Pdebian/isconf -Tdebian/isconf.substvars -fdebian/files \
    "-Visconf:Maintainer=$maintainer_name <$maintainer_email>"
)
# The tree is made by this user: give the folders the mode Debian expects, whatever the umask was.
find "$tree" -type d -exec chmod 0755 {} +
(cd "$tree" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
chmod 0644 "$tree/DEBIAN/md5sums"

mkdir -p "$out_dir"
deb="$out_dir/isconf_${package_version}_${arch}.deb"
SOURCE_DATE_EPOCH="$source_date" dpkg-deb --root-owner-group -Zxz --build "$tree" "$deb" >/dev/null
echo "$deb"
