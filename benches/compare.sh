#!/usr/bin/env bash
# Compares `partnerbook build` with Hugo and with the floor program
# (benches/floor: read, render Markdown, write; the least any generator must do)
# on generated guides of 1,200, 12,000 or 60,000 content pages.
#
#   benches/compare.sh [options] [SIZE...]        SIZE: 1200, 12000 or 60000 (default: 1200 12000)
#
#   --gen FILE         the project's corpus generator, gen_corpus.py (or set GEN_CORPUS);
#                      run as: python3 FILE --playbooks N --partners M --out DIR
#   --corpus SIZE=DIR  use a corpus generated earlier for SIZE (DIR holds partnerbook/ and hugo/);
#                      that size is then not generated (repeat the option for several sizes)
#   --work DIR         where corpora, outputs and results go (default: a new temporary folder)
#   --runs N           timed runs per tool (default 5; one warmup run comes first)
#   --no-build         use the release binaries already built
#
# Needs: cargo, python3, hyperfine, hugo (Debian's package), GNU time at /usr/bin/time.
#
# What is measured, for each size and tool:
#   - wall time: hyperfine --warmup 1 --runs N, median (JSON in WORK/SIZE-TOOL.json);
#   - CPU time: user+sys of each timed run, recorded by wrapping the command in
#     `/usr/bin/time -f '%U %S'`, median over the timed runs (the same wrapper for all three);
#   - peak RSS: "Maximum resident set size" of `/usr/bin/time -v`, one extra run;
#   - pages: the `*.html` files in the output after that extra run.
#
# Cleanup before each run (the same for all three tools): hyperfine's --prepare
# runs `rm -rf OUT` on that tool's own output folder before the warmup run and
# before every timed run, so every run writes into a folder that does not exist
# (partnerbook: a first build, no old tree to swap out). The extra peak-RSS run
# is preceded by the same `rm -rf OUT`. Nothing else is cleared: the page cache
# is not dropped (the input is warm after the warmup run, for all three alike)
# and Hugo's cache folder is left as it is (these sites use no resources that
# Hugo caches).
set -euo pipefail

die() { echo "compare.sh: $*" >&2; exit 2; }

gen="${GEN_CORPUS:-}"
work=""
runs=5
build=1
sizes=()
declare -A corpus=()
while (($#)); do
    case "$1" in
        --gen) gen="${2:?--gen needs a file}"; shift 2 ;;
        --corpus)
            [[ "${2:-}" == *=* ]] || die "--corpus needs SIZE=DIR"
            corpus["${2%%=*}"]="$(cd "${2#*=}" && pwd)"; shift 2 ;;
        --work) work="${2:?--work needs a folder}"; shift 2 ;;
        --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,32s/^# \{0,1\}//p' "$0"; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) sizes+=("$1"); shift ;;
    esac
done
((${#sizes[@]})) || sizes=(1200 12000)

# Content pages -> the generator's counts (five playbooks to one partner).
counts() {
    case "$1" in
        1200) echo "1000 200" ;;
        12000) echo "10000 2000" ;;
        60000) echo "50000 10000" ;;
        *) die "unknown size $1: use 1200, 12000 or 60000" ;;
    esac
}
for s in "${sizes[@]}"; do
    counts "$s" >/dev/null
    if [[ -z "${corpus[$s]:-}" && -z "$gen" ]]; then
        die "size $s needs the corpus generator: pass --gen FILE or set GEN_CORPUS (or --corpus $s=DIR)"
    fi
done
for tool in cargo python3 hyperfine hugo; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -x /usr/bin/time ]] || die "GNU time is not at /usr/bin/time (Debian: apt-get install time)"

root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ -z "$work" ]]; then
    work="$(mktemp -d -t partnerbook-compare.XXXXXX)"
fi
mkdir -p "$work"
work="$(cd "$work" && pwd)"

target_dir() { # the release folder cargo uses for a manifest (follows CARGO_TARGET_DIR)
    cargo metadata --format-version 1 --no-deps --manifest-path "$1" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}
if ((build)); then
    echo "building partnerbook and the floor (release)..." >&2
    cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml" --bin partnerbook
    cargo build --release --locked --quiet --manifest-path "$root/benches/floor/Cargo.toml"
fi
pb="$(target_dir "$root/Cargo.toml")/release/partnerbook"
floor="$(target_dir "$root/benches/floor/Cargo.toml")/release/partnerbook-floor"
[[ -x "$pb" && -x "$floor" ]] || die "binaries missing: run without --no-build"

q() { printf '%q' "$1"; }

# One tool at one size: hyperfine (wall, and CPU via the wrapper), then the peak-RSS run.
measure() {
    local size="$1" tool="$2" cmd="$3"
    local out="$work/out-$size-$tool" cpu="$work/$size-$tool.cpu"
    rm -f "$cpu"
    echo "== $size pages: $tool" >&2
    hyperfine --warmup 1 --runs "$runs" --style basic \
        --export-json "$work/$size-$tool.json" \
        --prepare "rm -rf $(q "$out")" \
        -n "$tool" "/usr/bin/time -f '%U %S' -a -o $(q "$cpu") $cmd" >&2
    rm -rf "$out"
    /usr/bin/time -v -o "$work/$size-$tool.rss" bash -c "exec $cmd" >/dev/null 2>&1 ||
        die "$tool failed in the peak-RSS run: $cmd"
    find "$out" -name '*.html' | wc -l >"$work/$size-$tool.pages"
}

for size in "${sizes[@]}"; do
    dir="${corpus[$size]:-}"
    if [[ -z "$dir" ]]; then
        dir="$work/corpus-$size"
        read -r playbooks partners <<<"$(counts "$size")"
        echo "generating the $size-page corpus in $dir..." >&2
        rm -rf "$dir"
        python3 "$gen" --playbooks "$playbooks" --partners "$partners" --out "$dir" >&2
    fi
    [[ -f "$dir/partnerbook/site.yaml" && -d "$dir/hugo" ]] || die "$dir has no partnerbook/ and hugo/ layouts"
    measure "$size" partnerbook "$(q "$pb") build $(q "$dir/partnerbook") -o $(q "$work/out-$size-partnerbook") --today 2026-11-15"
    measure "$size" hugo "hugo --quiet -s $(q "$dir/hugo") -d $(q "$work/out-$size-hugo")"
    measure "$size" floor "$(q "$floor") $(q "$dir/partnerbook") $(q "$work/out-$size-floor")"
    rm -rf "$work/out-$size-partnerbook" "$work/out-$size-hugo" "$work/out-$size-floor"
done

# The table, from the files written above.
python3 - "$work" "$runs" "${sizes[@]}" <<'PY' | tee "$work/results.md"
import json, os, re, statistics, sys

work, runs, sizes = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
tools = ["partnerbook", "hugo", "floor"]


def row(size, tool):
    base = os.path.join(work, f"{size}-{tool}")
    with open(base + ".json") as f:
        wall = statistics.median(json.load(f)["results"][0]["times"])
    with open(base + ".cpu") as f:
        lines = [l.split() for l in f if re.match(r"^[0-9.]+ [0-9.]+$", l.strip())]
    cpu = statistics.median(float(u) + float(s) for u, s in lines[-runs:])  # the warmup line comes first
    with open(base + ".rss") as f:
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read()).group(1))
    with open(base + ".pages") as f:
        pages = int(f.read())
    return wall, cpu, rss, pages


print(f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end; "
      f"{runs} timed runs after 1 warmup; medians.\n")
print("| size | tool | wall median | CPU median (user+sys) | peak RSS | pages | ratio to Hugo | ratio to floor |")
print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for size in sizes:
    rows = {t: row(size, t) for t in tools}
    for t in tools:
        wall, cpu, rss, pages = rows[t]
        print(f"| {int(size):,} | {t} | {wall:.3f} s | {cpu:.3f} s | {rss / 1024:.0f} MiB | {pages:,} "
              f"| {wall / rows['hugo'][0]:.2f} | {wall / rows['floor'][0]:.2f} |")
PY
echo "results and raw measurements: $work" >&2
