#!/usr/bin/env bash
# Makes the README's screenshots again (after a theme change, say): the main
# page types of the shipped guide, on a desktop (1280 x 900) and a phone
# (390 x 844), as the first screen a reader sees, into docs/screenshots/.
#
#   scripts/screenshots.sh [--today YYYY-MM-DD]
#
# Needs Chromium (`chromium`, or set CHROMIUM). The guide is served by this
# checkout's own `partnerbook serve`, on a free port on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

today=(--today 2026-12-07)
if [ "${1:-}" = "--today" ]; then today=(--today "$2"); fi
chromium="${CHROMIUM:-chromium}"
out=docs/screenshots
mkdir -p "$out"

cargo build --quiet
profile="$(mktemp -d)"
log="$(mktemp)"
# --read-only: the pages as readers see them, without the editing controls.
target/debug/partnerbook serve content --port 0 --read-only "${today[@]}" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$profile" "$log"' EXIT

# serve prints the address it listens on once the first build is served.
base=""
for _ in $(seq 1 300); do
    base="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$log" | head -n 1 || true)"
    [ -n "$base" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$base" ] || { echo "serve did not start:" >&2; cat "$log" >&2; exit 1; }

# name and path of each page type shown in the README.
pages=(
    "home:"
    "playbook:playbooks/send-the-agenda-ahead/"
    "partners:partners/"
    "pipeline:partners/pipeline/"
    "partner:partners/campus-it/"
    "brief:partners/campus-it/brief/"
    "actions:actions/"
)
for page in "${pages[@]}"; do
    name="${page%%:*}"
    path="${page#*:}"
    for device in desktop:1280,900 phone:390,844; do
        "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
            --disable-background-networking --disable-component-update --disable-sync \
            --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$profile" \
            --window-size="${device#*:}" --screenshot="$out/$name-${device%%:*}.png" \
            "$base$path" 2>/dev/null
    done
done
ls -l "$out"

# A partner page with the Log a meeting form open, filled in: taken by the
# browser test that logs a meeting (its fixture guide, a real serve and
# Chromium through chromedriver), then copied here.
cargo test --quiet --test testsuite browser::edit::log_a_meeting_with_two_action_items >/dev/null
cp "${CARGO_TARGET_DIR:-target}/screenshots/edit-log-a-meeting-form.png" "$out/edit-log-a-meeting-desktop.png"
ls -l "$out/edit-log-a-meeting-desktop.png"
