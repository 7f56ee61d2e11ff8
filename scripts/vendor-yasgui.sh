#!/usr/bin/env bash
# Re-fetch the vendored YASGUI (the SPARQL query page's editor and result table) from the npm
# registry and check it: the tarball must have the integrity hash recorded in INTEGRITY, and the
# files copied out of it must have the digests recorded in SHA256SUMS.
#   bash scripts/vendor-yasgui.sh           re-fetch the recorded VERSION and verify it
#   bash scripts/vendor-yasgui.sh 4.7.0     move to another version: records its integrity
#                                           and digests (review the diff, rebuild, commit)
# `monokg site` copies these files into build/site/assets/yasgui/ and `monokg serve` serves them
# from the package; nothing is fetched at run time.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/src/monokg/vendor/yasgui"
package="@zazuko/yasgui"
files=(build/yasgui.min.js build/yasgui.min.css)

recorded="$(cat "$dest/VERSION")"
version="${1:-$recorded}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "$package@$version" >/dev/null)
tarball="$(ls "$work"/*.tgz)"
integrity="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
registry="$(npm view "$package@$version" dist.integrity)"
if [ "$integrity" != "$registry" ]; then
    echo "vendor-yasgui: the tarball's integrity $integrity is not the registry's $registry" >&2
    exit 1
fi
if [ "$version" = "$recorded" ] && [ "$integrity" != "$(cat "$dest/INTEGRITY")" ]; then
    echo "vendor-yasgui: $package@$version changed on the registry:" \
         "$integrity, recorded $(cat "$dest/INTEGRITY")" >&2
    exit 1
fi

tar -xzf "$tarball" -C "$work"
for file in "${files[@]}"; do
    cp "$work/package/$file" "$dest/$(basename "$file")"
done
if [ "$version" = "$recorded" ]; then
    (cd "$dest" && sha256sum --check --quiet SHA256SUMS)
    echo "vendor-yasgui: $package@$version verified ($integrity)"
else
    echo "$version" > "$dest/VERSION"
    echo "$integrity" > "$dest/INTEGRITY"
    (cd "$dest" && sha256sum yasgui.min.js yasgui.min.css > SHA256SUMS)
    echo "vendor-yasgui: now $package@$version; update README.md and LICENSE if they changed"
fi
