#!/usr/bin/env bash
# Storefront's GET /products/{id} against the floor server (src/bench/FloorServer.java: no router, one pipelined
# connection per event loop, the same query and body), both serving at once from the same PostgreSQL, measured by
# wrk in alternation so that both see the same machine. For each layout "P,E": `serve --processes P --event-loops E`,
# and the floor server as P processes of E event loops sharing one port (SO_REUSEPORT).
#
# Usage: src/bench/floor-vs-storefront.sh [-d DB_URL] [-t SECONDS] [-w WARMUP_SECONDS] [-n PAIRS] [-c CONNECTIONS]
#                                         [-j JAR] [--sf-set KEY=VALUE]... [LAYOUT...]
#   -d DB_URL   PostgreSQL with the sample data (default: $STOREFRONT_DB_URL; `storefront db init` fills it)
#   -t SECONDS  each measured wrk run (default 10); -w the warm-up of each server before the pairs (default 30: Storefront
#               has more code for the JIT to compile than the floor server, and a short warm-up on busy cores favours
#               the floor: the ratio then climbs pair after pair)
#   -n PAIRS    alternating pairs per layout (default 5); the order inside a pair alternates too
#   -c N        wrk connections (default 16, one wrk thread: wrk -t1 -cN)
#   -j JAR      Storefront's jar (default target/storefront.jar; the floor server always runs from target/storefront.jar)
#   --sf-set    a setting passed to Storefront's serve (repeatable), e.g. --sf-set metrics.enabled=false
#   LAYOUT      "P,E" (default: "2,1" "1,2")
# Needs target/storefront.jar (mvn -B -DskipTests package) and wrk. Output: one line per pair (req/s of each, the
# ratio Storefront/floor, each side's CPU per request in microseconds (user + system time of its server processes, read
# from /proc: less disturbed than req/s when other work shares the cores), the load average), then the medians per
# layout; kept in target/bench/floor-vs-storefront.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=${STOREFRONT_DB_URL:-} secs=10 warm=30 pairs=5 conns=16 sf_port=18180 floor_port=18190 jar=target/storefront.jar
sf_sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -d) db=$2; shift 2;; -t) secs=$2; shift 2;; -w) warm=$2; shift 2;; -n) pairs=$2; shift 2;; -c) conns=$2; shift 2;; -j) jar=$2; shift 2;;
    --sf-set) sf_sets+=(--set "$2"); shift 2;;
    -h|--help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0;;
    -*) echo "floor-vs-storefront.sh: unknown option '$1' (see --help)" >&2; exit 2;;
    *) break;;
  esac
done
[ -n "$db" ] || { echo "floor-vs-storefront.sh: give -d postgresql://... or set STOREFRONT_DB_URL" >&2; exit 2; }
command -v wrk >/dev/null || { echo "floor-vs-storefront.sh: wrk is not installed" >&2; exit 2; }
[ -f target/storefront.jar ] || { echo "floor-vs-storefront.sh: build target/storefront.jar first (mvn -B -DskipTests package)" >&2; exit 2; }
[ $# -gt 0 ] || set -- "2,1" "1,2"
mkdir -p target/bench
lua=target/bench/random-product.lua
printf 'math.randomseed(42)\nrequest = function() return wrk.format("GET", "/products/" .. math.random(1, 1000)) end\n' > "$lua"
out=target/bench/floor-vs-storefront.txt
: > "$out"; : > target/bench/floor-vs-storefront-errors.txt
jvm_opts="-Xms64m -Xmx512m -XX:+UseSerialGC -Xss512k"   # what serve gives its nodes (node.jvmOptions' default)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_for() { # LOG PATTERN COUNT PID
  until [ "$(grep -c "$2" "$1" 2>/dev/null)" -ge "$3" ]; do
    sleep 0.2; kill -0 "$4" 2>/dev/null || { cat "$1" >&2; echo "floor-vs-storefront.sh: server exited" >&2; exit 1; }
  done
}
cpu_ticks() { # PID... -> user + system clock ticks of those processes
  local t=0 p; for p in "$@"; do t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) )); done; echo $t
}
measure() { # PORT SECONDS PID... -> "req/s us-of-cpu-per-request"
  local port=$1 d=$2; shift 2
  local t0 r t1; t0=$(cpu_ticks "$@"); r=$(rps "$port" "$d"); t1=$(cpu_ticks "$@")
  awk -v r="$r" -v t="$((t1 - t0))" -v d="$d" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%s %.0f", r, t / hz * 1e6 / (r * d)}'
}
rps() { # PORT SECONDS -> req/s; a non-2xx answer stops the run, socket errors (wrk's 2 s timeouts) are kept in errors.txt
  local o; o=$(wrk -t1 -c"$conns" -d"$2s" -s "$lua" "http://127.0.0.1:$1")
  if grep -q 'Non-2xx' <<<"$o"; then echo "floor-vs-storefront.sh: error answers on port $1: $o" >&2; exit 1; fi
  grep 'Socket errors' <<<"$o" | sed "s/^/port $1: /" >> target/bench/floor-vs-storefront-errors.txt || true
  awk '/Requests\/sec/{print $2}' <<<"$o"
}

for layout in "$@"; do
  p=${layout%,*} e=${layout#*,}
  sflog=target/bench/floor-sf-$p-$e.log flog=target/bench/floor-floor-$p-$e.log
  : > "$sflog"   # before the start, so that the ready line of an earlier run is not taken for this one's
  java -jar "$jar" serve --processes "$p" --event-loops "$e" --port $sf_port --db-url "$db" \
    --set cluster.name=floor-$$ --set cluster.port=17800 --set management.port=0 "${sf_sets[@]}" > "$sflog" 2>&1 &
  sf=$!; pids+=("$sf")
  : > "$flog"; fpids=()
  for i in $(seq "$p"); do
    # shellcheck disable=SC2086
    java $jvm_opts -cp target/storefront.jar src/bench/FloorServer.java --db-url "$db" --port $floor_port \
      --event-loops "$e" >> "$flog" 2>&1 &
    pids+=("$!"); fl=$!; fpids+=("$!")
  done
  wait_for "$sflog" '^Storefront ready' 1 "$sf"
  wait_for "$flog" '^floor ready' "$p" "$fl"
  rps $sf_port "$warm" > /dev/null; rps $floor_port "$warm" > /dev/null   # JIT warm-up, not reported
  mapfile -t npids < <(pgrep -P "$sf")   # serve's node processes
  ratios=() cpus=()
  for i in $(seq "$pairs"); do
    if [ $((i % 2)) = 1 ]; then s=$(measure $sf_port "$secs" "${npids[@]}"); f=$(measure $floor_port "$secs" "${fpids[@]}")
    else f=$(measure $floor_port "$secs" "${fpids[@]}"); s=$(measure $sf_port "$secs" "${npids[@]}"); fi
    r=$(awk -v s="${s% *}" -v f="${f% *}" 'BEGIN {printf "%.3f", s / f}')
    c=$(awk -v s="${s#* }" -v f="${f#* }" 'BEGIN {printf "%.3f", f / s}')
    ratios+=("$r") cpus+=("$c")
    echo "P=$p E=$e pair=$i storefront=${s% *} floor=${f% *} ratio=$r cpu_us_per_req: storefront=${s#* } floor=${f#* }" \
      "floor/storefront=$c load=$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
  done
  med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  echo "P=$p E=$e median ratio storefront/floor: req/s $(med "${ratios[@]}") (${ratios[*]});" \
    "CPU per request floor/storefront $(med "${cpus[@]}") (${cpus[*]})" | tee -a "$out"
  cleanup; pids=()
done
