#!/bin/sh
# Seeds each fuzz target's corpus (fuzz/corpus/<target>/) from the repository's
# fixtures, the kept regressions, and the hand-written seeds of fuzz/seeds/<target>/
# (small inputs that once broke a target, such as a doc comment with a comma that
# broke init's draft), and the real telemetry code of the corpus crates. Run from
# anywhere; existing corpus files are kept.
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
# Real telemetry code: the labelled files of the published crates of the corpus
# (fixtures/corpus/), read from cargo's registry where `cargo metadata` puts them.
# Their code is never copied into the repository, only into the local corpus.
for labels in "$root"/fixtures/corpus/*/labels.yaml; do
    [ -f "$labels" ] || continue
    python3 - "$labels" "$root" "$sources" <<'PY' || true
import json, os, re, shutil, subprocess, sys
labels, root, sources = sys.argv[1:4]
text = open(labels).read()
field = lambda key: re.search(r"^%s: *(.+)$" % key, text, re.M).group(1).strip()
name, version, fixture = field("crate"), field("version"), field("fixture")
files = re.findall(r"[\w./-]+\.rs", field("files"))
out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--locked",
                      "--manifest-path", os.path.join(root, fixture, "Cargo.toml")],
                     capture_output=True, check=True).stdout
for package in json.loads(out)["packages"]:
    if package["name"] == name and package["version"] == version:
        crate = os.path.dirname(package["manifest_path"])
        for i, rel in enumerate(files):
            shutil.copy(os.path.join(crate, rel), os.path.join(sources, "real-%s-%d.rs" % (name, i)))
PY
done
echo "seeded: $(ls "$manifests" | wc -l) manifests, $(ls "$sources" | wc -l) Rust files"
