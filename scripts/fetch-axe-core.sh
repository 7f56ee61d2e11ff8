#!/usr/bin/env bash
# Re-fetch the vendored axe-core (the accessibility engine the product-page browser test runs in
# Chromium) from the npm registry, check it against the integrity npm publishes, and copy
# axe.min.js into vendor/axe-core/. Run it to move to another version (then update the version,
# integrity and sha256 in vendor/axe-core/README.md; the test checks the sha256).
#   scripts/fetch-axe-core.sh [version]        default: the version in vendor/axe-core/VERSION
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-$(cat vendor/axe-core/VERSION)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
expected="$(npm view "axe-core@$version" dist.integrity)"
(cd "$work" && npm pack --silent "axe-core@$version" >/dev/null)
tarball="$work/axe-core-$version.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$expected" ]; then
  echo "integrity mismatch for axe-core@$version: npm says $expected, the tarball is $actual" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work" package/axe.min.js package/LICENSE
mkdir -p vendor/axe-core
cp "$work/package/axe.min.js" vendor/axe-core/axe.min.js
cp "$work/package/LICENSE" vendor/axe-core/LICENSE
echo "$version" > vendor/axe-core/VERSION
echo "axe-core $version: tarball $expected"
echo "axe.min.js sha256 $(sha256sum vendor/axe-core/axe.min.js | cut -d' ' -f1)"
