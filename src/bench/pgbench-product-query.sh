#!/usr/bin/env bash
# PostgreSQL's own rate for Storefront's product query: the reference that `bench queries` and the HTTP figures are
# compared with. Runs pgbench with a custom script of one statement, GET /products/{id}'s query (read from
# CatalogSql.PRODUCT_WITH_SKUS, so the two never differ), as a prepared statement (-M prepared). One pgbench
# transaction is one query, so pgbench's tps is queries per second.
#
# Usage: src/bench/pgbench-product-query.sh [-d DB] [-c CLIENTS] [-j THREADS] [-T SECONDS]
#                                           [--random-ids | --product-id ID] [--ids MIN..MAX] [-- PGBENCH_ARGS...]
#   -d DB           database name on 127.0.0.1:5432 as user postgres (PGHOST, PGPORT, PGUSER change those), or a
#                   postgresql:// URL (default: $STOREFRONT_DB_URL, else storefront)
#   -c CLIENTS      pgbench clients, i.e. connections (default 2)
#   -j THREADS      pgbench threads (default: CLIENTS, at most the number of cores)
#   -T SECONDS      measured time (default 10)
#   --random-ids    a random product id of --ids for every query, as `bench http` asks (default: --product-id 100)
#   --product-id ID the one product queried
#   --ids MIN..MAX  range of --random-ids (default 1..1000, the sample catalog's products)
#   -- ARGS         further pgbench options, e.g. -- -R 3000 -l (open model at 3000 queries/s, per-query log:
#                   then the script also prints the p50, p99 and max of latency plus schedule lag)
# The database needs the sample data: storefront db init --db-url postgresql://postgres@127.0.0.1:5432/storefront
# Output: pgbench's report, then "queries/s: N"; pgbench's report is kept in target/bench/pgbench-product-query.txt.
#   e.g. src/bench/pgbench-product-query.sh -d storefront -c 2 --random-ids
set -euo pipefail
cd "$(dirname "$0")/../.."

db=${STOREFRONT_DB_URL:-storefront} clients=2 threads= secs=10 random=0 product=100 ids=1..1000
while [ $# -gt 0 ]; do
  case "$1" in
    -d) db=$2; shift 2;;
    -c) clients=$2; shift 2;;
    -j) threads=$2; shift 2;;
    -T) secs=$2; shift 2;;
    --random-ids) random=1; shift;;
    --product-id) product=$2; random=0; shift 2;;
    --ids) ids=$2; shift 2;;
    --) shift; break;;
    -h|--help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0;;
    *) echo "pgbench-product-query.sh: unknown option '$1' (see --help)" >&2; exit 2;;
  esac
done
command -v pgbench >/dev/null || { echo "pgbench-product-query.sh: pgbench is not installed (PostgreSQL's client tools)" >&2; exit 2; }
[[ $ids =~ ^([0-9]+)\.\.([0-9]+)$ ]] || { echo "pgbench-product-query.sh: --ids must look like 1..1000, got '$ids'" >&2; exit 2; }
min=${BASH_REMATCH[1]} max=${BASH_REMATCH[2]}
cores=$(nproc 2>/dev/null || echo 1)
[ -n "$threads" ] || threads=$(( clients < cores ? clients : cores ))
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

# The query Storefront runs, from its one place: the string literals of CatalogSql.PRODUCT_WITH_SKUS, joined.
sql=$(awk '/PRODUCT_WITH_SKUS =/{on=1} on{while (match($0, /"[^"]*"/)) {printf "%s", substr($0, RSTART+1, RLENGTH-2); $0=substr($0, RSTART+RLENGTH)}} on && /;[[:space:]]*$/{exit}' \
  src/main/java/dev/storefront/catalog/CatalogSql.java)
case "$sql" in
  SELECT*'$1') ;;
  *) echo "pgbench-product-query.sh: could not read PRODUCT_WITH_SKUS from CatalogSql.java (got '$sql')" >&2; exit 2;;
esac
sql=${sql%'$1'}:id

mkdir -p target/bench
script=target/bench/product-query.pgbench   # pgbench reads it from target/bench, below
if [ "$random" = 1 ]; then
  printf '\\set id random(%s, %s)\n%s;\n' "$min" "$max" "$sql" > "$script"
else
  printf '\\set id %s\n%s;\n' "$product" "$sql" > "$script"
fi

# A product without rows would measure nothing: check the sample data is there.
if command -v psql >/dev/null; then
  check=$([ "$random" = 1 ] && echo "$min" || echo "$product")
  rows=$(psql -X -Atq -d "$db" -c "SELECT count(*) FROM sku WHERE product_id = $check" 2>&1) || {
    echo "pgbench-product-query.sh: cannot query '$db': $rows" >&2; exit 1; }
  [ "$rows" -gt 0 ] || { echo "pgbench-product-query.sh: product $check has no SKUs in '$db': run storefront db init" >&2; exit 1; }
fi

echo "pgbench $(pgbench --version | awk '{print $3}'), $cores cores; -c $clients -j $threads -T $secs -M prepared;" \
  "$([ "$random" = 1 ] && echo "random ids $min..$max" || echo "product $product"); $db"
# pgbench runs in target/bench, so that -l writes its per-query logs (pgbench_log.*) there.
cd target/bench
rm -f pgbench_log.*
pgbench -n -M prepared -f product-query.pgbench -c "$clients" -j "$threads" -T "$secs" "$@" "$db" 2>&1 \
  | tee pgbench-product-query.txt
status=${PIPESTATUS[0]}
[ "$status" = 0 ] || exit "$status"
awk '/^tps = /{printf "queries/s: %.0f\n", $3}' pgbench-product-query.txt
# With -l: percentiles of each query's latency plus its schedule lag (the lag is logged with --rate: the time from
# the query's scheduled start to its actual start), as an open-model client sees them.
if compgen -G 'pgbench_log.*' >/dev/null; then
  cat pgbench_log.* | awk '{print $3 + (NF >= 7 ? $7 : 0)}' | sort -n | awk '
    function at(q,  i) { i = int(NR * q); if (i < NR * q) i++; return v[i < 1 ? 1 : i] / 1000 }
    {v[NR] = $1}
    END {if (NR) printf "latency plus schedule lag: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d queries; logs in target/bench)\n",
      at(0.50), at(0.99), v[NR] / 1000, NR}'
fi
