#!/usr/bin/env bash
# Installs traitloom the way the README's "Using your own layers" says, outside the clone: packs it, installs the
# tarball into a fresh project in a temp folder, and runs `npx traitloom init` + `npx traitloom generate` there on
# a copy of the golden fixture's layers. A file the CLI needs at run time but package.json "files" leaves out, or a
# path that only resolves inside the clone, fails here.
#
# dist/ is built with tsc only where a source file is newer than it (`npm test` builds it just before in CI), and
# packed with --ignore-scripts: `prepare` would also build the studio, which the package does not ship.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/traitloom-install-XXXXXX")"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "test:install: $*" >&2
  exit 1
}

cd "$repo"
if [ ! -f dist/cli/main.js ] || [ -n "$(find src -name '*.ts' ! -name '*.test.ts' -newer dist/cli/main.js -print -quit)" ]; then
  echo "test:install: building dist/ (tsc)"
  npx tsc -p tsconfig.build.json
fi
tgz="$work/$(npm pack --ignore-scripts --silent --pack-destination "$work" | tail -n 1)"
[ -f "$tgz" ] || fail "npm pack wrote no tarball"

# What the CLI reads at run time: its bin, the compiled code (the render worker is loaded by path), the schema init points at.
contents="$(tar -tzf "$tgz")"
for needed in package/bin/traitloom.js package/dist/cli/main.js package/dist/node/renderWorker.js package/dist/index.js package/schema/traitloom.schema.json package/package.json; do
  grep -qx "$needed" <<<"$contents" || fail "the tarball lacks $needed (package.json \"files\")"
done
if grep -Eq '^package/(src|test|node_modules)/|\.test\.js$' <<<"$contents"; then
  fail "the tarball holds sources or tests: $(grep -E '^package/(src|test|node_modules)/|\.test\.js$' <<<"$contents" | head -n 3 | tr '\n' ' ')"
fi

project="$work/project"
mkdir -p "$project"
cp -R "$repo/test/fixtures/golden/layers" "$project/layers"
cd "$project"
printf '{ "name": "traitloom-install-check", "version": "1.0.0", "private": true }\n' >package.json
npm install --no-audit --no-fund --prefer-offline --loglevel=error "$tgz" >/dev/null

npx --no-install traitloom init layers
[ -f traitloom.json ] || fail "init wrote no traitloom.json"
schema="$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync("traitloom.json", "utf8")).$schema)')"
[ -f "$schema" ] || fail "traitloom.json's \$schema $schema is not a file in the installed package"
npx --no-install traitloom generate -c traitloom.json -n 5 -o out --seed install-check --workers 1 -q

images="$(find out/images -name '*.png' | wc -l | tr -d ' ')"
[ "$images" = 5 ] || fail "expected 5 images in out/images, found $images"
node -e '
const fs = require("fs");
const metadata = JSON.parse(fs.readFileSync("out/_metadata.json", "utf8"));
const manifest = JSON.parse(fs.readFileSync("out/manifest.json", "utf8"));
if (metadata.length !== 5) throw new Error(`out/_metadata.json: expected 5 tokens, found ${metadata.length}`);
if (manifest.seed !== "install-check" || !/^[0-9a-f]{64}$/.test(manifest.provenance)) throw new Error("out/manifest.json: expected the seed and a provenance hash");
for (const f of ["rarity.json", "rarity.csv"]) if (!fs.existsSync(`out/${f}`)) throw new Error(`out/${f}: missing`);
'
echo "test:install: ok: $(basename "$tgz") installed outside the clone; init and generate -n 5 ran through npx"
