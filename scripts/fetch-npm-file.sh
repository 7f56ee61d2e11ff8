#!/usr/bin/env bash
# Re-fetch a vendored browser script (vendor/axe-core, vendor/jsonld-js: the tests run them in
# Chromium, without network) from the npm registry: download the package tarball, check it
# against the integrity npm publishes, and copy the file and the licence into the folder.
#   scripts/fetch-npm-file.sh vendor/axe-core [version]
# The folder's PACKAGE file names "<npm package> <file in the package>", its VERSION file the
# version (default). Then update the integrity and sha256 in the folder's README.md (a test
# checks the sha256).
set -euo pipefail
cd "$(dirname "$0")/.."
folder="${1:?usage: scripts/fetch-npm-file.sh vendor/<folder> [version]}"
read -r package file < "$folder/PACKAGE"
version="${2:-$(cat "$folder/VERSION")}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
expected="$(npm view "$package@$version" dist.integrity)"
(cd "$work" && npm pack --silent "$package@$version" >/dev/null)
tarball="$(ls "$work"/*.tgz)"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$expected" ]; then
  echo "integrity mismatch for $package@$version: npm says $expected, the tarball is $actual" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work" "package/$file" package/LICENSE
cp "$work/package/$file" "$folder/$(basename "$file")"
cp "$work/package/LICENSE" "$folder/LICENSE"
echo "$version" > "$folder/VERSION"
echo "$package $version: tarball $expected"
echo "$(basename "$file") sha256 $(sha256sum "$folder/$(basename "$file")" | cut -d' ' -f1)"
