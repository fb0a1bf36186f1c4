#!/usr/bin/env bash
# Paired before/after benchmark of two git revisions (BENCHMARKS.md, "Before/after").
#
# Builds each revision's own benches in its own git worktree and target directory, then runs
# the chosen benches alternately old/new (the order flipped every round, so a drifting machine
# load favours neither side) and prints, per criterion benchmark, the median over the rounds
# of criterion's estimate for the old and the new build and new/old (a time per iteration:
# above 1 means the new build is slower).
#
#   benches/paired.sh [-n ROUNDS] [-b "BENCH …"] [-o OLD_DIR] [-w NEW_DIR] OLD_REV NEW_REV \
#       [-- CRITERION_ARGS…]
#
#   -n  rounds (default 5)
#   -b  benches to run (default "build_compile exec_sqlite exec_postgres exec_mysql")
#   -o  worktree of the old revision (default ../bench-before beside the repository's top
#       level); created with `git worktree add --detach` if missing, moved to OLD_REV if it is
#       a worktree at another commit; its target directory is OLD_DIR/target, so a second
#       comparison against the same old revision builds nothing on that side
#   -w  worktree of the new revision (default ../bench-after); the same dir as -o is allowed
#       when both revisions are the same commit (a noise check: new/old should be ≈ 1)
#   CRITERION_ARGS default to: --warm-up-time 1 --measurement-time 3
#
# Each bench runs with a filter (override with PAIRED_FILTER_<bench>=regex):
#   build_compile  ^[1-6]_                               statements 1–6, both libraries
#   exec_sqlite    ^point_select/.*(raw_rusqlite|quarry/auto/)
#   exec_postgres  ^pg_point_select/                     needs QUARRY_TEST_POSTGRES_URL
#   exec_mysql     ^point_select/                        needs QUARRY_TEST_MYSQL_URL
# The benches' own paired tails (after criterion) are cut to one round (QUARRY_BENCH_ROUNDS=1):
# only criterion's estimates are compared. A bench whose database URL is unset skips itself
# and reports nothing.
#
# Results (each run's criterion directory and output, and summary.tsv) are kept in
# PAIRED_OUT (default a fresh /tmp/paired.XXXXXX). The raw drivers' and sea-query's rows
# run the same code on both sides, so their new/old shows the noise of the comparison
# (except sea-query's statement 6 when the old revision predates its `take()` version, as
# 0d65d1c does; `quarry_by_ref` rows exist only on revisions that have them).
set -euo pipefail

rounds=5
benches="build_compile exec_sqlite exec_postgres exec_mysql"
old_dir=""
new_dir=""
while getopts "n:b:o:w:h" opt; do
    case $opt in
        n) rounds=$OPTARG ;;
        b) benches=$OPTARG ;;
        o) old_dir=$OPTARG ;;
        w) new_dir=$OPTARG ;;
        *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -lt 2 ]; then
    echo "usage: $0 [-n ROUNDS] [-b BENCHES] [-o OLD_DIR] [-w NEW_DIR] OLD_REV NEW_REV [-- CRITERION_ARGS…]" >&2
    exit 2
fi
old_rev=$1
new_rev=$2
shift 2
[ "${1:-}" = "--" ] && shift
if [ $# -gt 0 ]; then crit_args=("$@"); else crit_args=(--warm-up-time 1 --measurement-time 3); fi

repo=$(git rev-parse --show-toplevel)
old_dir=${old_dir:-$(dirname "$repo")/bench-before}
new_dir=${new_dir:-$(dirname "$repo")/bench-after}
old_commit=$(git -C "$repo" rev-parse --verify "$old_rev^{commit}")
new_commit=$(git -C "$repo" rev-parse --verify "$new_rev^{commit}")
old_dir=$(realpath -m "$old_dir")
new_dir=$(realpath -m "$new_dir")
if [ "$old_dir" = "$new_dir" ] && [ "$old_commit" != "$new_commit" ]; then
    echo "old and new share $old_dir but are different commits" >&2
    exit 2
fi
out=${PAIRED_OUT:-$(mktemp -d /tmp/paired.XXXXXX)}
mkdir -p "$out"

filter_for() {
    local var="PAIRED_FILTER_$1"
    if [ -n "${!var:-}" ]; then echo "${!var}"; return; fi
    case $1 in
        build_compile) echo '^[1-6]_' ;;
        exec_sqlite) echo '^point_select/.*(raw_rusqlite|quarry/auto/)' ;;
        exec_postgres) echo '^pg_point_select/' ;;
        exec_mysql) echo '^point_select/' ;;
        *) echo '.' ;;
    esac
}

# Puts `dir` at `commit` (a detached worktree) and builds the benches there; prints nothing,
# records each bench's executable in $out/exe.<side>.<bench>.
prepare() {
    local side=$1 dir=$2 commit=$3
    if [ ! -e "$dir" ]; then
        git -C "$repo" worktree add --detach "$dir" "$commit" >&2
    elif [ "$(git -C "$dir" rev-parse HEAD)" != "$commit" ]; then
        git -C "$dir" checkout --detach "$commit" >&2
    fi
    local args=()
    for b in $benches; do args+=(--bench "$b"); done
    echo "== building $side ($commit) in $dir/target" >&2
    (cd "$dir" && CARGO_TARGET_DIR="$dir/target" cargo bench --no-run --message-format=json "${args[@]}") \
        > "$out/build.$side.json"
    for b in $benches; do
        jq -r --arg b "$b" \
            'select(.reason == "compiler-artifact" and .target.name == $b
                    and (.target.kind | index("bench")) and .executable != null) | .executable' \
            "$out/build.$side.json" | tail -1 > "$out/exe.$side.$b"
        [ -s "$out/exe.$side.$b" ] || { echo "no executable for $b on $side" >&2; exit 1; }
    done
}

prepare old "$old_dir" "$old_commit"
if [ "$new_dir" = "$old_dir" ]; then
    for b in $benches; do cp "$out/exe.old.$b" "$out/exe.new.$b"; done
else
    prepare new "$new_dir" "$new_commit"
fi

run() {
    local side=$1 round=$2 bench=$3 dir
    dir=$([ "$side" = old ] && echo "$old_dir" || echo "$new_dir")
    local home="$out/runs/$side/$round/$bench"
    mkdir -p "$home"
    echo "== round $round/$rounds: $bench, $side" >&2
    (cd "$dir" && CRITERION_HOME="$home" QUARRY_BENCH_ROUNDS=1 \
        "$(cat "$out/exe.$side.$bench")" --bench "$(filter_for "$bench")" "${crit_args[@]}") \
        > "$home/output.txt" 2>&1 || echo "   (exit status $?, see $home/output.txt)" >&2
}

for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then order="old new"; else order="new old"; fi
    for bench in $benches; do
        for side in $order; do run "$side" "$round" "$bench"; done
    done
done

python3 - "$out" "$old_rev" "$new_rev" <<'EOF'
import json, os, statistics, sys

out, old_rev, new_rev = sys.argv[1:4]
times = {}  # (bench, id) -> side -> {round: ns}
for side in ("old", "new"):
    base = os.path.join(out, "runs", side)
    for root, _dirs, files in os.walk(base):
        if os.path.basename(root) != "new" or "estimates.json" not in files:
            continue
        with open(os.path.join(root, "benchmark.json")) as f:
            full_id = json.load(f)["full_id"]
        with open(os.path.join(root, "estimates.json")) as f:
            est = json.load(f)
        point = (est.get("slope") or est["mean"])["point_estimate"]
        rnd, bench = os.path.relpath(root, base).split(os.sep)[:2]
        times.setdefault((bench, full_id), {}).setdefault(side, {})[int(rnd)] = point

def fmt(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"

rows, one_sided = [], []
for (bench, full_id), sides in sorted(times.items()):
    o, n = sides.get("old", {}), sides.get("new", {})
    if not o or not n:
        one_sided.append(f"{full_id} ({'old' if o else 'new'} only)")
        continue
    mo, mn = statistics.median(o.values()), statistics.median(n.values())
    # Per-round ratios: the old and new runs of one round ran back to back.
    per_round = sorted(n[r] / o[r] for r in o if r in n)
    rows.append((bench, full_id, mo, mn, mn / mo, statistics.median(per_round),
                 per_round[0], per_round[-1], len(per_round)))

with open(os.path.join(out, "summary.tsv"), "w") as f:
    f.write("bench\tid\told_ns\tnew_ns\tnew_over_old\tper_round_median\tper_round_min"
            "\tper_round_max\trounds\n")
    for r in rows:
        f.write("\t".join(str(x) for x in r) + "\n")
print(f"\nold = {old_rev}, new = {new_rev}: median time per iteration over the rounds, their "
      "ratio, and the median and range of the per-round ratios (new/old above 1 = new slower)")
width = max((len(r[1]) for r in rows), default=10)
print(f"{'benchmark':<{width}}  {'old':>9}  {'new':>9}  new/old  per round (range)      rounds")
for _b, full_id, mo, mn, ratio, med, lo, hi, k in rows:
    print(f"{full_id:<{width}}  {fmt(mo):>9}  {fmt(mn):>9}  {ratio:7.3f}  "
          f"{med:.3f} ({lo:.3f}–{hi:.3f})  {k}")
if one_sided:
    print("\nmeasured on one side only: " + ", ".join(one_sided))
print(f"\nresults: {out}/summary.tsv")
EOF
