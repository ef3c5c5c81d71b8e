#!/bin/sh
# Rebuilds the committed seed corpus (fuzz/seeds/<target>/) from the project's
# fixtures: every playbook and page of the shipped guide and of the test
# fixtures seeds `front_matter` and `markdown`, every YAML file seeds
# `partner_profile`. Run from the repository's top folder.
set -eu
cd "$(dirname "$0")/.."
rm -rf fuzz/seeds
mkdir -p fuzz/seeds/front_matter fuzz/seeds/markdown fuzz/seeds/partner_profile
seed() { # seed TARGET FILE: the file under a name made from its path
    name=$(printf '%s' "$2" | tr '/ ' '__')
    cp "$2" "fuzz/seeds/$1/$name"
}
find content tests/testsuite -name '*.md' -type f | sort | while read -r f; do
    seed front_matter "$f"
    seed markdown "$f"
done
find content tests/testsuite -name '*.yaml' -type f | sort | while read -r f; do
    seed partner_profile "$f"
done
