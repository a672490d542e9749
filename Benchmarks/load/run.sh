#!/usr/bin/env bash
# Server load benchmark: Sigil next to Knot DNS, NSD and PowerDNS, side by side in one run.
#
#   Benchmarks/load/run.sh [SECONDS]        # ROUNDS=3 by default; SECONDS (10) per dnsperf run
#   PHASES=plain Benchmarks/load/run.sh 10  # only the plain phase (default: plain signed cold tcp)
#   PIN=0:1 Benchmarks/load/run.sh 10      # dnsperf on CPU 0, every server on CPU 1 (taskset)
#   MICRO_ED25519=50000 ...                # Sign.ed25519 ops/s, for the cold Ed25519 overhead ratio
#   SIGIL_VARIANTS="b:/other/sigil x:VAR=1,VAR2=2"  # plain and cold phases: more Sigils side by side,
#                                           # each a label and another binary, or environment for this one
#
# Every server gets ONE UDP worker and the same zone (make-queries.py zone), on loopback ports
# picked free. dnsperf (1 thread, 4 clients) runs against each in turn, round after round, so the
# noise of a shared machine hits them alike; medians over rounds are printed as a Markdown table.
#   plain:  Sigil (DNSSEC off), Knot DNS, NSD — the query mix without DO
#   signed: Sigil (ECDSA P-256, NSEC3), Knot presigned (NSEC3), Knot mod-onlinesign, PowerDNS live
#           signing (NSEC3 narrow) — the same mix with DO (-D)
#   cold:   Sigil with nsec3-narrow (and PowerDNS, also narrow) on unique NXDOMAIN names, each
#           needing a fresh NSEC3 signature, against `openssl speed ecdsap256` on one core; then
#           Sigil with an Ed25519 key the same way, against `openssl speed ed25519` (a secondary
#           row: Sigil's Ed25519 is libsodium's, not OpenSSL's)
#   tcp:    Sigil (DNSSEC off, default TCP limits), Knot DNS, NSD — the plain mix over TCP (dnsperf -m tcp:
#           4 connections, each pipelining up to 50 queries)
# Server CPU per query is utime+stime of the server's processes (all threads and children) from
# /proc before and after each run, divided by the completed queries.
# The signed phases run only if this Sigil signs (its SOA answer with DO carries an RRSIG).
set -euo pipefail
secs=${1:-10}
rounds=${ROUNDS:-3}
phases=" ${PHASES:-plain signed cold tcp} "
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scratch=${SCRATCH:-.build-load}
pin_client=()
pin_server=()
if [ -n "${PIN:-}" ]; then
    pin_client=(taskset -c "${PIN%%:*}")
    pin_server=(taskset -c "${PIN#*:}")
fi
origin=bench.test.

need=()
for pair in knotd:knot kdig:knot-dnsutils nsd:nsd pdns_server:pdns-server dnsperf:dnsperf; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
[ -e /usr/lib/x86_64-linux-gnu/pdns/libbindbackend.so ] || [ -n "$(find /usr/lib -name 'libbindbackend*' -print -quit)" ] \
    || need+=(pdns-backend-bind)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing: ${need[*]}" >&2
    apt-get install -y -q "${need[@]}" >/dev/null
fi

echo "building sigil (release)..." >&2
(cd "$root" && swift build -c release --product sigil --scratch-path "$scratch" >/dev/null)
sigil="$root/$scratch/release/sigil"

W=$(mktemp -d /tmp/sigil-load.XXXXXX)
declare -A top=()      # label -> the server's main pid
cleanup() {
    for p in "${top[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    for p in "${top[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A loopback port free for both UDP and TCP.
freeport() {
    python3 - <<'P'
import socket
while True:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0)); port = u.getsockname()[1]
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        t.bind(("127.0.0.1", port)); print(port); break
    except OSError:
        pass
P
}

python3 "$here/make-queries.py" zone "$W/zone" --origin "$origin"
python3 "$here/make-queries.py" mix "$W/zone" "$W/mix.queries" --origin "$origin"

# ---- servers
declare -A port=()
wait_answer() {  # label [dnssec]
    local p=${port[$1]} i
    for i in $(seq 1 100); do
        if out=$(kdig @127.0.0.1 -p "$p" +timeout=1 +retry=0 ${2:+$2} SOA "$origin" 2>/dev/null) \
            && grep -q 'status: NOERROR' <<<"$out" && { [ -z "${2:-}" ] || grep -q RRSIG <<<"$out"; }; then
            return 0
        fi
        sleep 0.2
    done
    echo "$1 (port $p) does not answer${2:+ with signatures}; its log:" >&2
    cat "$W/$1.log" >&2 || true
    return 1
}

start_sigil() {  # label dnssec-yaml [binary | VAR=value,...]
    local label=$1 p bin=$sigil vars=()
    case ${3:-} in
        *=*) IFS=, read -r -a vars <<<"$3" ;;
        ?*) bin=$3 ;;
    esac
    p=$(freeport); port[$label]=$p
    mkdir -p "$W/$label-keys"
    cat >"$W/$label.yaml" <<Y
listen: ["127.0.0.1:$p"]
udp-workers: 1
keys: $W/$label-keys
log-level: warning
zones:
  - origin: $origin
    file: $W/zone
    dnssec: $2
Y
    "${pin_server[@]}" env "${vars[@]}" "$bin" serve --config "$W/$label.yaml" >"$W/$label.log" 2>&1 &
    top[$label]=$!
}

start_knot() {  # label extra-zone-lines
    local label=$1 p d=$W/$1
    p=$(freeport); port[$label]=$p
    mkdir -p "$d/db"
    cat >"$d/knot.conf" <<K
server:
    listen: 127.0.0.1@$p
    rundir: $d
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: $d/db
log:
  - target: stderr
    any: warning
policy:
  - id: nsec3
    algorithm: ecdsap256sha256
    single-type-signing: on
    nsec3: on
    nsec3-iterations: 0
    nsec3-salt-length: 0
mod-onlinesign:
  - id: os
    policy: nsec3
template:
  - id: default
    storage: $d
zone:
  - domain: $origin
    file: $W/zone
    zonefile-sync: -1
$2
K
    "${pin_server[@]}" knotd -c "$d/knot.conf" >"$W/$label.log" 2>&1 &
    top[$label]=$!
}

start_nsd() {
    local p d=$W/nsd
    p=$(freeport); port[nsd]=$p
    mkdir -p "$d"
    cat >"$d/nsd.conf" <<N
server:
    ip-address: 127.0.0.1@$p
    server-count: 1
    database: ""
    pidfile: $d/nsd.pid
    xfrdfile: $d/xfrd.state
    zonelistfile: $d/zone.list
    username: ""
    chroot: ""
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: $origin
    zonefile: $W/zone
N
    "${pin_server[@]}" nsd -c "$d/nsd.conf" -d >"$W/nsd.log" 2>&1 &
    top[nsd]=$!
}

start_pdns() {
    local p d=$W/pdns
    p=$(freeport); port[pdns]=$p
    mkdir -p "$d"
    echo "zone \"$origin\" { type master; file \"$W/zone\"; };" >"$d/named.conf"
    cat >"$d/pdns.conf" <<P
launch=bind
bind-config=$d/named.conf
bind-dnssec-db=$d/dnssec.db
local-address=127.0.0.1
local-port=$p
socket-dir=$d
guardian=no
daemon=no
receiver-threads=1
distributor-threads=1
signing-threads=1
webserver=no
loglevel=3
P
    pdnsutil --config-dir="$d" create-bind-db "$d/dnssec.db" >/dev/null 2>&1
    pdnsutil --config-dir="$d" secure-zone "$origin" >/dev/null 2>&1
    pdnsutil --config-dir="$d" set-nsec3 "$origin" '1 0 0 -' narrow >/dev/null 2>&1
    "${pin_server[@]}" pdns_server --config-dir="$d" >"$W/pdns.log" 2>&1 &
    top[pdns]=$!
}

# ---- measurement
# A process and all its descendants (NSD forks its servers).
family() {
    local pids=($1) i=0 c
    while [ $i -lt ${#pids[@]} ]; do
        for c in $(cat /proc/"${pids[$i]}"/task/*/children 2>/dev/null); do pids+=("$c"); done
        i=$((i + 1))
    done
    echo "${pids[@]}"
}

# CPU ticks (utime+stime) of a process and all its descendants, all threads included.
cpu_ticks() {
    local t=0 p c
    for p in $(family "$1"); do
        c=$(sed 's/.*) //' /proc/"$p"/stat 2>/dev/null | awk '{print $12 + $13}') || continue
        t=$((t + ${c:-0}))
    done
    echo $t
}

# Datagrams the kernel dropped: on the server's own sockets (/proc/net/udp "drops" of its port), and
# on every UDP socket of the machine (/proc/net/snmp RcvbufErrors: the server's and dnsperf's).
socket_drops() {  # port
    awk -v port="$(printf '%04X' "$1")" 'NR > 1 && $2 ~ (":" port "$") {d += $NF} END {print d + 0}' /proc/net/udp
}
# Context switches (voluntary and not) of a process's and its descendants' threads: a worker that
# sleeps after every batch pays one per wake-up, so per query this says how well its batches fill.
switches() {
    local p
    for p in $(family "$1"); do cat /proc/"$p"/task/*/status 2>/dev/null; done \
        | awk '/ctxt_switches/ {s += $2} END {print s + 0}'
}
rcvbuf_errors() {
    awk '/^Udp: [0-9]/ {print $6}' /proc/net/snmp
}

# dnsperf's own CPU (/usr/bin/time, when installed): on a 2-core machine the client shares the cores
# with the server, so its cost per query bounds the qps any server can show.
timer=
[ -x /usr/bin/time ] && timer="/usr/bin/time -f client-cpu:%U:%S"

results=$W/results
: >"$results"
measure() {  # phase label round queryfile [dnsperf args...]
    local phase=$1 label=$2 round=$3 qf=$4 a b out d0 e0 s0 drops errors cs latency client
    shift 4
    d0=$(socket_drops "${port[$label]}")
    e0=$(rcvbuf_errors)
    s0=$(switches "${top[$label]}")
    a=$(cpu_ticks "${top[$label]}")
    out=$($timer "${pin_client[@]}" dnsperf -s 127.0.0.1 -p "${port[$label]}" -d "$qf" -l "$secs" -c 4 -T 1 -q 200 "$@" 2>&1)
    b=$(cpu_ticks "${top[$label]}")
    drops=$(($(socket_drops "${port[$label]}") - d0))
    errors=$(($(rcvbuf_errors) - e0))
    cs=$(($(switches "${top[$label]}") - s0))
    awk -v phase="$phase" -v label="$label" -v round="$round" -v ticks=$((b - a)) -v hz="$(getconf CLK_TCK)" '
        /Queries sent/ {sent = $3}
        /Queries completed/ {done = $3}
        /Queries per second/ {qps = $4}
        END {
            if (done == 0) { print phase, label, round, 0, 100, 0, 0; exit }
            printf "%s %s %s %.0f %.3f %.2f %d %d\n", phase, label, round, qps, (sent - done) * 100 / sent,
                ticks * 1e6 / hz / done, done, sent - done
        }' <<<"$out" >>"$results"
    latency=$(awk '/Average Latency/ {print $4 * 1e6}' <<<"$out")
    client=$(awk -F: -v done="$(tail -1 "$results" | cut -d' ' -f7)" \
        '/^client-cpu:/ && done > 0 {printf "%.2f", ($2 + $3) * 1e6 / done}' <<<"$out")
    tail -1 "$results" | awk -v drops="$drops" -v errors="$errors" -v latency="${latency:-0}" -v cs="$cs" \
        -v client="${client:--}" '{
        printf "  %-6s %-14s round %s: %7d qps  lost %6.3f%% (%d)  %6.2f us/query (dnsperf %s)  latency %4.0f us  " \
            "%5.1f queries/switch  drops: server socket %d, all UDP %d\n", $1, $2, $3, $4, $5, $8, $6, client,
            latency, $7 / (cs > 0 ? cs : 1), drops, errors}' >&2
}

# Runs each label in turn, ROUNDS times, rotating the starting server each round.
phase() {  # phase "labels" queryfile-or-@cold [dnsperf args...]
    local name=$1 labels=($2) qf=$3 r i n
    shift 3
    n=${#labels[@]}
    for r in $(seq 1 "$rounds"); do
        for i in $(seq 0 $((n - 1))); do
            local label=${labels[$(((i + r - 1) % n))]} file=$qf
            if [ "$qf" = @cold ]; then
                file=$W/cold-$label-$r.queries
                python3 "$here/make-queries.py" cold "$file" --origin "$origin" --count $((secs * 60000)) \
                    --prefix "u$r$label"
            fi
            measure "$name" "$label" "$r" "$file" "$@"
            if [ "$qf" = @cold ]; then rm -f "$file"; fi
        done
    done
}

start_sigil sigil "{ enabled: false }"
start_knot knot ""
start_nsd
plain="sigil knot nsd"
for variant in ${SIGIL_VARIANTS:-}; do
    start_sigil "${variant%%:*}" "{ enabled: false }" "${variant#*:}"
    plain="$plain ${variant%%:*}"
done
for label in $plain; do wait_answer $label || exit 1; done

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
if [[ $phases == *" plain "* ]]; then
    echo "plain: $rounds rounds x ${secs}s" >&2
    phase plain "$plain" "$W/mix.queries"
fi

if [[ $phases == *" tcp "* ]]; then
    echo "tcp: $rounds rounds x ${secs}s" >&2
    phase tcp "sigil knot nsd" "$W/mix.queries" -m tcp
fi

signed=no
if [[ $phases == *" signed "* || $phases == *" cold "* ]]; then
    start_sigil sigil-signed "{ enabled: true, algorithm: ecdsap256sha256, denial: nsec3 }"
    signed=yes
    if ! wait_answer sigil-signed +dnssec 2>"$W/sigil-signed.wait"; then
        signed=no
        echo "sigil does not sign yet: signed phases skipped" >&2
    fi
fi
if [ $signed = yes ]; then
    start_knot knot-presigned "    dnssec-signing: on
    dnssec-policy: nsec3"
    start_knot knot-online "    module: mod-onlinesign/os"
    start_pdns
    for label in knot-presigned knot-online pdns; do wait_answer $label +dnssec || exit 1; done
fi
if [ $signed = yes ] && [[ $phases == *" signed "* ]]; then
    # Warm: one pass through the mix each, so every signature a server caches is in its cache.
    for label in sigil-signed knot-presigned knot-online pdns; do
        dnsperf -s 127.0.0.1 -p "${port[$label]}" -d "$W/mix.queries" -n 1 -l "$secs" -c 4 -T 1 -q 200 -D \
            >/dev/null 2>&1 || true
    done
    echo "signed (DO): $rounds rounds x ${secs}s" >&2
    phase signed "sigil-signed knot-presigned knot-online pdns" "$W/mix.queries" -D
fi
if [ $signed = yes ] && [[ $phases == *" cold "* ]]; then
    start_sigil sigil-narrow "{ enabled: true, algorithm: ecdsap256sha256, denial: nsec3-narrow }"
    wait_answer sigil-narrow +dnssec || exit 1
    echo "cold signing (unique NXDOMAIN, DO): $rounds rounds x ${secs}s" >&2
    start_sigil sigil-narrow-ed25519 "{ enabled: true, algorithm: ed25519, denial: nsec3-narrow }"
    wait_answer sigil-narrow-ed25519 +dnssec || exit 1
    cold="sigil-narrow sigil-narrow-ed25519 pdns"
    for variant in ${SIGIL_VARIANTS:-}; do
        start_sigil "${variant%%:*}-narrow" "{ enabled: true, algorithm: ecdsap256sha256, denial: nsec3-narrow }" \
            "${variant#*:}"
        wait_answer "${variant%%:*}-narrow" +dnssec || exit 1
        cold="$cold ${variant%%:*}-narrow"
    done
    phase cold "$cold" @cold -D
fi
openssl_signs=0
openssl_ed25519=0
if [[ $phases == *" cold "* ]]; then
    openssl_signs=$(openssl speed -seconds 3 ecdsap256 2>/dev/null | awk '/nistp256\)/ {print $(NF - 1)}')
    openssl_ed25519=$(openssl speed -seconds 3 ed25519 2>/dev/null | awk '/\(Ed25519\)/ {print $(NF - 1)}')
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

python3 "$here/report.py" "$results" --seconds "$secs" --rounds "$rounds" --openssl "${openssl_signs:-0}" \
    --openssl-ed25519 "${openssl_ed25519:-0}" --micro-ed25519 "${MICRO_ED25519:-0}" \
    --load "$load_start" "$load_end"
