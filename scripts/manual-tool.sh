#!/usr/bin/env bash
# Prints the path of swift-argument-parser's manual generator (Tools/generate-manual in its
# checkout), building it first when needed: a small debug build of that package alone, kept in
# .build/generate-manual. The package's own `generate-manual` plugin is not used because it builds
# every product of isconf again, in its own configuration (without --static-swift-stdlib for release).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
checkout="$root/.build/checkouts/swift-argument-parser"
scratch="$root/.build/generate-manual"
if [ ! -f "$checkout/Tools/generate-manual/GenerateManual.swift" ]; then
  swift package --package-path "$root" resolve >&2
fi
swift build --package-path "$checkout" --scratch-path "$scratch" --product generate-manual >&2
echo "$(swift build --package-path "$checkout" --scratch-path "$scratch" --show-bin-path)/generate-manual"
