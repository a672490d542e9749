#!/usr/bin/env bash
# The abuse controls under flood, side by side in one run (docs/PERFORMANCE.md):
#   1. RRL: a dnsperf flood of one name at RRL_QPS from 127.0.0.1 against Sigil `rate-limit`,
#      Knot `mod-rrl` and NSD `rrl-ratelimit` (20/s, slip 2, one worker each): server CPU per
#      query sent, and what came back.
#   2. Signing budget: a unique-NXDOMAIN DO flood (dnsperf, 4 clients) against Sigil
#      nsec3-narrow with `signing-budget`, the same without it, and PowerDNS live signing
#      (../shared/peers/peers.sh, port 5405): qps and server CPU.
# Usage: Benchmarks/load/abuse-bench.sh SIGIL_BINARY [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
sigil=$(readlink -f "$1"); secs=${2:-10}
peers=${PEERS:-../shared/peers}
W=${ABUSE_DIR:-/tmp/abuse-bench}; rm -rf "$W"; mkdir -p "$W/knot" "$W/nsd" "$W/keys"
rrl_qps=${RRL_QPS:-20000}
cat > "$W/zone" <<Z
\$ORIGIN ab.test.
\$TTL 300
@     SOA   ns1 hostmaster 1 7200 3600 1209600 60
@     NS    ns1
ns1   A     192.0.2.53
www   A     192.0.2.80
Z
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; "$peers/peers.sh" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

cat > "$W/knot/knot.conf" <<K
server:
    listen: 127.0.0.1@5411
    rundir: $W/knot
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: $W/knot
log:
  - target: stderr
    any: warning
mod-rrl:
  - id: rrl
    rate-limit: 20
    slip: 2
template:
  - id: default
    storage: $W/knot
    global-module: mod-rrl/rrl
zone:
  - domain: ab.test
    file: $W/zone
K
knotd -c "$W/knot/knot.conf" > "$W/knot/log" 2>&1 & pids+=($!)
cat > "$W/nsd/nsd.conf" <<N
server:
    ip-address: 127.0.0.1@5412
    server-count: 1
    database: ""
    pidfile: $W/nsd/nsd.pid
    xfrdfile: $W/nsd/xfrd.state
    zonelistfile: $W/nsd/zone.list
    username: ""
    chroot: ""
    rrl-ratelimit: 20
    rrl-slip: 2
    rrl-ipv4-prefix-length: 24
remote-control:
    control-enable: no
zone:
    name: ab.test
    zonefile: $W/zone
N
nsd -c "$W/nsd/nsd.conf" -d > "$W/nsd/log" 2>&1 & pids+=($!)
serve() { # PORT CONTROLS DNSSEC
    cat > "$W/sigil-$1.yaml" <<S
listen: ["127.0.0.1:$1"]
keys: $W/keys
udp-workers: 1
log-level: warning
$2
zones:
  - origin: ab.test
    file: $W/zone
    dnssec: $3
S
    "$sigil" serve --config "$W/sigil-$1.yaml" > "$W/sigil-$1.log" 2>&1 & pids+=($!)
}
serve 5413 "rate-limit: { responses-per-second: 20, slip: 2 }" "{ enabled: false }"
serve 5414 "signing-budget: { global: 1000, per-client: 1000 }" "{ denial: nsec3-narrow }"
sleep 1
serve 5415 "" "{ denial: nsec3-narrow }"
"$peers/peers.sh" start "$W/zone" ab.test > "$W/peers.log" 2>&1
sleep 2

cpu_ticks() { # PORT: utime+stime of every process with a UDP socket on PORT
    local t=0
    for p in $(ss -lunpH "sport = :$1" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
        t=$((t + $(sed 's/.*) //' /proc/$p/stat | awk '{print $12+$13}')))
    done
    echo $t
}
hz=$(getconf CLK_TCK)
echo "date: $(date -u +%FT%TZ)  load: $(uptime | sed 's/.*load average: //')"

echo "## RRL: one name from 127.0.0.1, ${rrl_qps} qps for ${secs}s (20/s, slip 2)"
echo "www.ab.test A" > "$W/one.txt"
for entry in "sigil:5413" "knot mod-rrl:5411" "nsd rrl:5412"; do
    name=${entry%:*}; port=${entry##*:}
    a=$(cpu_ticks "$port")
    out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$W/one.txt" -l "$secs" -Q "$rrl_qps" -q 20000 -t 1 -c 1 2>&1)
    b=$(cpu_ticks "$port")
    sent=$(echo "$out" | awk '/Queries sent/ {print $3}')
    done_=$(echo "$out" | awk '/Queries completed/ {print $3}')
    python3 -c "print(f'{\"$name\":14s} sent={$sent} answered+slipped={$done_} ({100*$done_/max($sent,1):.1f}%) cpu_us_per_query_sent={($b-$a)*1e6/$hz/max($sent,1):.2f}')"
done

echo "## Signing budget: unique NXDOMAIN, DO, ${secs}s, dnsperf 4 clients"
python3 -c "
import random
with open('$W/nx.txt','w') as f:
    for i in range(400000): f.write(f'n{i}-{random.getrandbits(32):08x}.ab.test A\n')"
for entry in "sigil budget 1000/s:5414" "sigil no budget:5415" "powerdns live:5405"; do
    name=${entry%:*}; port=${entry##*:}
    a=$(cpu_ticks "$port")
    out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$W/nx.txt" -l "$secs" -c 4 -q 200 -t 1 -D 2>&1)
    b=$(cpu_ticks "$port")
    q=$(echo "$out" | awk '/Queries completed/ {print $3}')
    qps=$(echo "$out" | awk '/Queries per second/ {printf "%d", $4}')
    python3 -c "print(f'{\"$name\":22s} qps={$qps} cpu_percent={($b-$a)*100/$hz/$secs:.0f} cpu_us_per_query={($b-$a)*1e6/$hz/max($q,1):.2f}')"
done
