#!/usr/bin/env bash
# bench/run.sh — times `kcbx run`, the pandas + openpyxl peer (bench/peer/peer.py) and a raw
# calamine read of the same files (examples/raw_read.rs) on the district and city sample sets,
# as whole processes: wall-clock median, min and max over several runs, and peak RSS from
# /usr/bin/time -v. Writes the tables into bench/RESULTS.md (between the results markers).
#
# Usage: bench/run.sh                      (everything; about an hour on two cores)
#        SCALES=district bench/run.sh      (one scale)
#        RUNS_CITY=3 RUNS_DISTRICT=5 PEER_RUNS_CITY=1 bench/run.sh
#        PEER_RUNS_CITY=0 bench/run.sh      (keep the previous city peer rows)
#
# Not run by CI. Needs cargo, python3 (for the venv) and GNU time (installed with apt-get if
# missing). Data sets are generated once into bench/data/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

SCALES=${SCALES:-"district city"}
RUNS_DISTRICT=${RUNS_DISTRICT:-5}
RUNS_CITY=${RUNS_CITY:-3}
PEER_RUNS_DISTRICT=${PEER_RUNS_DISTRICT:-$RUNS_DISTRICT}
PEER_RUNS_CITY=${PEER_RUNS_CITY:-$RUNS_CITY}
DATA=bench/data
TARGET=${CARGO_TARGET_DIR:-target}
TIMES=$DATA/times.tsv

if [ ! -x /usr/bin/time ]; then
    echo "bench: installing GNU time" >&2
    apt-get install -y time >/dev/null
fi

echo "bench: building (release)" >&2
cargo build --release --quiet
cargo build --release --quiet --example raw_read
cargo build --release --quiet --example raw_write
KCBX=$TARGET/release/kcbx
RAW=$TARGET/release/examples/raw_read
RAW_WRITE=$TARGET/release/examples/raw_write

if [ ! -x bench/.venv/bin/python ]; then
    echo "bench: creating bench/.venv for the peer" >&2
    python3 -m venv bench/.venv
    bench/.venv/bin/pip install --quiet -r bench/peer/requirements.txt
fi
PY=bench/.venv/bin/python

mkdir -p "$DATA"
for scale in $SCALES; do
    if [ ! -f "$DATA/$scale/pipeline.toml" ]; then
        echo "bench: generating the $scale sample (seed 1)" >&2
        "$KCBX" sample --out "$DATA/$scale" --scale "$scale" --seed 1 >&2
    fi
done

# measure SCALE TOOL RUN CMD...: one timed run, appended to $TIMES as
# scale, tool, run, wall seconds, peak RSS (KiB), exit status.
measure() {
    local scale=$1 tool=$2 run=$3
    shift 3
    local t
    t=$(mktemp)
    local status=0
    /usr/bin/time -v -o "$t" "$@" >/dev/null 2>"$DATA/last-$tool.log" || status=$?
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$t" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$t")
    rm -f "$t"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$scale" "$tool" "$run" "$wall" "$rss" "$status" >>"$TIMES"
    echo "bench: $scale $tool run $run: ${wall}s, ${rss} KiB, exit $status" >&2
}

# A scale whose peer is not re-run (PEER_RUNS_CITY=0: the city peer takes a quarter of an
# hour) keeps the peer's rows from the previous results.
old_peer=$(awk -F'\t' '$2 == "peer"' "$TIMES" 2>/dev/null || true)
: >"$TIMES"
for scale in $SCALES; do
    if [ "$scale" = city ]; then runs=$RUNS_CITY; peer_runs=$PEER_RUNS_CITY; else runs=$RUNS_DISTRICT; peer_runs=$PEER_RUNS_DISTRICT; fi
    out=$DATA/out-$scale
    # The tools take turns (kcbx, raw read, peer, kcbx, ...): this machine's speed drifts by
    # a third over minutes, and a ratio of two tools measured in different minutes says
    # more about the drift than about the tools.
    rm -rf "$out"
    for i in $(seq 1 "$(( runs > peer_runs ? runs : peer_runs ))"); do
        if [ "$i" -le "$runs" ]; then
            measure "$scale" kcbx "$i" "$KCBX" run "$DATA/$scale/pipeline.toml" --out "$out" --label "run$i" --quiet --no-previous
            # The write floor writes what the first run wrote (counted once, not timed).
            if [ "$i" = 1 ]; then
                "$RAW_WRITE" count "$out/run1" >"$DATA/write-$scale.tsv"
            fi
            # Only the last run's folder is kept.
            [ "$i" -lt "$runs" ] && rm -rf "$out/run$i"
            measure "$scale" raw_read "$i" "$RAW" "$DATA/$scale/pipeline.toml"
            measure "$scale" raw_write "$i" "$RAW_WRITE" write "$DATA/write-$scale.tsv" "$DATA/raw-write-$scale"
        fi
        if [ "$i" -le "$peer_runs" ]; then
            rm -rf "$out/peer"
            measure "$scale" peer "$i" "$PY" bench/peer/peer.py "$DATA/$scale/pipeline.toml" --out "$out/peer"
        fi
    done
    if [ "$peer_runs" = 0 ] && [ -n "$old_peer" ]; then
        echo "bench: $scale peer not re-run; keeping its previous rows" >&2
        printf '%s\n' "$old_peer" | awk -F'\t' -v s="$scale" '$1 == s' >>"$TIMES"
    fi
    # The run's own stage timings (the last kcbx run), for the notes.
    cp "$out/run$runs/run.json" "$DATA/run-$scale.json" 2>/dev/null || true
done

python3 - "$TIMES" <<'EOF'
import os, re, statistics, subprocess, sys

rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
def cpu():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"
mem_kib = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
out = []
out.append(f"Machine: {os.cpu_count()} CPUs ({cpu()}), {mem_kib / 1048576:.1f} GiB RAM; kcbx at commit {git}.\n")
stats = {}
for scale in dict.fromkeys(r[0] for r in rows):
    out.append(f"\n### {scale}\n")
    out.append("| tool | runs | wall median (s) | min (s) | max (s) | peak RSS median (MiB) | failed runs |")
    out.append("| --- | --- | --- | --- | --- | --- | --- |")
    for tool in ("kcbx", "raw_read", "raw_write", "peer"):
        rs = [r for r in rows if r[0] == scale and r[1] == tool]
        if not rs:
            continue
        walls = [float(r[3]) for r in rs]
        rss = [int(r[4]) / 1024 for r in rs]
        failed = sum(1 for r in rs if r[5] != "0")
        stats[(scale, tool)] = statistics.median(walls)
        out.append(f"| {tool} | {len(rs)} | {statistics.median(walls):.2f} | {min(walls):.2f} | {max(walls):.2f} | "
                   f"{statistics.median(rss):.0f} | {failed} |")
    k, r, w, p = (stats.get((scale, t)) for t in ("kcbx", "raw_read", "raw_write", "peer"))
    if k and r:
        out.append(f"\nkcbx / raw calamine read: **{k / r:.2f}×**")
    if k and r and w:
        out.append(f"\nkcbx / (read floor + write floor) = {k:.2f} / ({r:.2f} + {w:.2f}): **{k / (r + w):.2f}×** (target ≤ 1.5×)")
    if k and p:
        out.append(f"\npeer / kcbx: **{p / k:.1f}×** faster (target ≥ 10×)")
table = "\n".join(out) + "\n"
path = "bench/RESULTS.md"
text = open(path).read() if os.path.exists(path) else "# Benchmark results\n\n<!-- results:begin -->\n<!-- results:end -->\n"
text = re.sub(r"<!-- results:begin -->.*<!-- results:end -->",
              lambda _: "<!-- results:begin -->\n" + table + "<!-- results:end -->", text, flags=re.S)
open(path, "w").write(text)
print(table)
EOF
