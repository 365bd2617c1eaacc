#!/bin/sh
# Seeds each fuzz target's corpus (fuzz/corpus/<target>/) from the repository's
# fixtures, the kept regressions, and the hand-written seeds of fuzz/seeds/<target>/
# (small inputs that once broke a target, such as a doc comment with a comma that
# broke init's draft). Run from anywhere; existing corpus files are kept.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
manifests="$here/corpus/manifest_loader"
docs="$here/corpus/doc_generator"
sources="$here/corpus/source_scanner"
mkdir -p "$manifests" "$docs" "$sources"
n=0
for file in "$root"/fixtures/*/telemetry.yaml "$root"/fixtures/manifests/*.yaml \
    "$root"/fixtures/manifests/malformed/*.yaml "$root"/fixtures/hostile/manifests/*.yaml \
    "$root"/examples/*/telemetry.yaml; do
    [ -f "$file" ] || continue
    n=$((n + 1))
    cp "$file" "$manifests/fixture-$n.yaml"
    cp "$file" "$docs/fixture-$n.yaml"
done
n=0
for file in "$root"/fixtures/*/src/*.rs "$root"/fixtures/hostile/sources/*.rs \
    "$root"/examples/*/src/*.rs; do
    [ -f "$file" ] || continue
    n=$((n + 1))
    cp "$file" "$sources/fixture-$n.rs"
done
for target in manifest_loader source_scanner doc_generator; do
    regressions="$root/fixtures/hostile/fuzz-regressions/$target"
    [ -d "$regressions" ] || continue
    for file in "$regressions"/*; do
        case "$(basename "$file")" in README.md|.gitkeep) continue ;; esac
        [ -f "$file" ] && cp "$file" "$here/corpus/$target/"
    done
done
for target in manifest_loader source_scanner doc_generator; do
    seeds="$here/seeds/$target"
    [ -d "$seeds" ] || continue
    for file in "$seeds"/*; do
        [ -f "$file" ] && cp "$file" "$here/corpus/$target/seed-$(basename "$file")"
    done
done
echo "seeded: $(ls "$manifests" | wc -l) manifests, $(ls "$sources" | wc -l) Rust files"
