#!/usr/bin/env bash
# Zone-load benchmark: Sigil (ZoneFileParser, its checks, Zone.build) against Knot DNS and NSD loading the
# same generated zone. Prints a Markdown table of wall time (median of RUNS) and peak RSS.
#
#   Benchmarks/zoneload/run.sh [RECORDS]   (default 1000000; env RUNS=3, WORK=dir, PORT, SCRATCH)
#
# What is measured, per implementation:
#   Sigil  sigil-zoneload (Benchmarks/zoneload/loader, built -c release): process start to a built
#          zone; /usr/bin/time -v gives elapsed time and maximum resident set size.
#   Knot   knotd with one worker of each kind: process start until it answers the zone's SOA
#          (kdig polled every 20 ms); peak RSS is VmHWM from /proc/PID/status once it answers.
#   NSD    nsd-checkzone under /usr/bin/time -v for parse time and its peak RSS; then the nsd
#          daemon (no database, one server): start until it answers SOA, VmHWM of "nsd: main",
#          which reads the zone and forks the servers (the largest of the process family).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
records=${1:-1000000}
runs=${RUNS:-3}
work=${WORK:-/tmp/sigil-zoneload-$$}
origin=bench.test.
port=${PORT:-53535}
mkdir -p "$work"
zone="$work/bench.zone"

need() { command -v "$1" >/dev/null || { echo "missing $1 (${2:-apt-get install $1})" >&2; exit 1; }; }
need /usr/bin/time "apt-get install time"
need knotd "apt-get install knot"
need kdig "apt-get install knot-dnsutils"
need nsd "apt-get install nsd"
need nsd-checkzone "apt-get install nsd"

if [[ ! -s "$zone.$records" ]]; then
    python3 "$here/generate-zone.py" "$zone.$records" "$records" "$origin"
fi
cp "$zone.$records" "$zone"

echo "building sigil-zoneload (release)..." >&2
scratch=${SCRATCH:-$repo/.build-zoneload-bench}
loader="$scratch/release/sigil-zoneload"
# SwiftPM reuses its build plan for a path dependency and can miss source files added to the main
# package since (the loader then fails to link, or runs stale code): when any source is newer than
# the loader, drop the plan so that it is made again (the compiled objects are kept).
if [[ ! -x "$loader" ]] || [[ -n $(find "$repo/Sources" -name '*.swift' -newer "$loader" -print -quit) ]]; then
    rm -f "$scratch/release.yaml" "$scratch/release/description.json" "$scratch/build.db"
fi
swift build -c release --package-path "$here/loader" --scratch-path "$scratch" >&2

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }

# /usr/bin/time -v: "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:01.23" and "Maximum resident
# set size (kbytes): 1234" → "seconds kilobytes".
time_v() {
    local log="$work/time.log"
    /usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$work/cmd.log" || { cat "$work/cmd.log" >&2; exit 1; }
    awk -F': ' '/Elapsed/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
                /Maximum resident/ { kb = $2 } END { print s, kb }' "$log"
}

# Polls until the server at $port answers the SOA; prints seconds since $1.
wait_soa() {
    local started=$1 pid=$2
    for _ in $(seq 1 30000); do
        if [[ -n $(kdig @127.0.0.1 -p "$port" "$origin" SOA +short +timeout=1 +retry=0 2>/dev/null) ]]; then
            echo "$(now) - $started" | bc -l
            return
        fi
        kill -0 "$pid" 2>/dev/null || { echo "server $pid exited" >&2; return 1; }
        sleep 0.02
    done
    echo "timed out" >&2
    return 1
}

hwm() { awk '/VmHWM/ { print $2 }' "/proc/$1/status"; }

sigil_run() { time_v "$loader" "$zone" "$origin"; }

knot_run() {
    local dir="$work/knot"
    rm -rf "$dir" && mkdir -p "$dir"
    cat >"$dir/knot.conf" <<CONF
server:
    rundir: "$dir"
    listen: 127.0.0.1@$port
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$dir"
log:
  - target: "$dir/knotd.log"
    any: info
template:
  - id: default
    storage: "$work"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: $origin
    file: "$zone"
CONF
    local started pid seconds
    started=$(now)
    knotd -c "$dir/knot.conf" >/dev/null 2>&1 &
    pid=$!
    seconds=$(wait_soa "$started" "$pid")
    echo "$seconds $(hwm "$pid")"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

nsd_check_run() { time_v nsd-checkzone "$origin" "$zone"; }

nsd_run() {
    local dir="$work/nsd"
    rm -rf "$dir" && mkdir -p "$dir"
    cat >"$dir/nsd.conf" <<CONF
server:
    server-count: 1
    ip-address: 127.0.0.1@$port
    database: ""
    zonelistfile: "$dir/zone.list"
    xfrdfile: "$dir/xfrd.state"
    pidfile: "$dir/nsd.pid"
    logfile: "$dir/nsd.log"
    username: ""
    chroot: ""
    zonesdir: "$work"
remote-control:
    control-enable: no
zone:
    name: $origin
    zonefile: "$zone"
CONF
    local started pid seconds
    started=$(now)
    nsd -d -c "$dir/nsd.conf" >/dev/null 2>&1 &
    pid=$!
    seconds=$(wait_soa "$started" "$pid")
    # The process started becomes xfrd; the zone is read by its child "nsd: main", which forks
    # the servers. They share pages, so the largest VmHWM of the family is reported, not a sum.
    local family peak=0 child
    family="$pid $(pgrep -P "$pid" || true)"
    for child in $(pgrep -P "$pid" || true); do family="$family $(pgrep -P "$child" || true)"; done
    for child in $family; do
        local high
        high=$(hwm "$child" 2>/dev/null || echo 0)
        if ((high > peak)); then peak=$high; fi
    done
    echo "$seconds $peak"
    # shellcheck disable=SC2086
    kill $family 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    sleep 1  # the servers finish shutting down and free the port
}

# Runs "$1" $runs times; prints "median-seconds median-kilobytes".
measure() {
    local results=()
    for _ in $(seq 1 "$runs"); do results+=("$($1)"); done
    local t m
    t=$(printf '%s\n' "${results[@]}" | awk '{ print $1 }' | median)
    m=$(printf '%s\n' "${results[@]}" | awk '{ print $2 }' | median)
    echo "$t $m"
}

echo "measuring ($runs runs each)..." >&2
read -r sigil_t sigil_m < <(measure sigil_run)
read -r knot_t knot_m < <(measure knot_run)
read -r check_t check_m < <(measure nsd_check_run)
read -r nsd_t nsd_m < <(measure nsd_run)

mib() { echo "scale=1; $1 / 1024" | bc -l; }
ratio() { echo "scale=2; $1 / $2" | bc -l | sed 's/^\./0./'; }

lines=$(wc -l <"$zone")
size=$(du -m "$zone" | cut -f1)
echo
echo "Zone: $records records ($lines lines, $size MB), generated by generate-zone.py; median of $runs runs."
echo
echo "| Implementation | What is timed | Time (s) | Peak RSS (MiB) | Sigil time ÷ this | Sigil RSS ÷ this |"
echo "|---|---|---:|---:|---:|---:|"
printf '| Sigil | sigil-zoneload: parse + Zone.build | %.2f | %s | 1.00 | 1.00 |\n' "$sigil_t" "$(mib "$sigil_m")"
printf '| Knot DNS %s | knotd start → answers SOA (VmHWM) | %.2f | %s | %s | %s |\n' \
    "$(knotd --version | awk '{ print $NF }')" "$knot_t" "$(mib "$knot_m")" \
    "$(ratio "$sigil_t" "$knot_t")" "$(ratio "$sigil_m" "$knot_m")"
printf '| NSD %s | nsd-checkzone | %.2f | %s | %s | %s |\n' \
    "$(nsd -v 2>&1 | awk '/version/ { print $NF; exit }')" "$check_t" "$(mib "$check_m")" \
    "$(ratio "$sigil_t" "$check_t")" "$(ratio "$sigil_m" "$check_m")"
printf '| NSD | nsd start → answers SOA (VmHWM of nsd: main) | %.2f | %s | %s | %s |\n' \
    "$nsd_t" "$(mib "$nsd_m")" "$(ratio "$sigil_t" "$nsd_t")" "$(ratio "$sigil_m" "$nsd_m")"
