#!/usr/bin/env bash
# nido's benchmark (issue 13): nido and a bare axum + sqlx program
# (benches/bare) over the same database, each workload run with wrk, one
# table at the end. See docs/performance.md.
#
#   bash benches/run.sh                                  # SQLite, 10,000 families
#   bash benches/run.sh --scale 300 --duration 5         # a quick run
#   bash benches/run.sh --scales 1000,10000,100000      # and how costs grow
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bash benches/run.sh
#
# Settings (flags or environment): SCALE (--scale, families loaded by
# `nido demo-data --scale`), DURATION (--duration, seconds per workload),
# SCALES (--scales, a comma-separated list: after the main run, a fresh
# centre of each size for the scale series; empty for none),
# BENCH_DATABASE_URL (--postgres, a server where the run creates and drops
# its own databases nido_bench_<time>_<pid>_<scale>), FAMILIES (ids the
# workloads rotate over). The data of the last main run stays in
# target/bench/<engine>/.
#
# Exits non-zero on an error (a build, a refused request, a wrk socket
# error), never on a goal missed: the table says which goals are met.
set -euo pipefail

SCALE=${SCALE:-10000}
DURATION=${DURATION:-10}
FAMILIES=${FAMILIES:-1000}
SCALES=${SCALES:-}
BENCH_DATABASE_URL=${BENCH_DATABASE_URL:-}
CONNECTIONS=16

while [ $# -gt 0 ]; do
    case "$1" in
        --scale) SCALE=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --scales) SCALES=$2; shift 2 ;;
        --postgres) BENCH_DATABASE_URL=$2; shift 2 ;;
        -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
WRK_DIR=$ROOT/benches/wrk
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
# Only the settings this script gives: a NIDO_ENV or NIDO_DATABASE_URL of
# the caller's shell would point nido elsewhere.
while read -r name; do unset "$name"; done < <(compgen -e | grep '^NIDO_' || true)

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
need() { # command, Debian package
    command -v "$1" > /dev/null && return
    log "installing $2"
    as_root apt-get update -qq && as_root apt-get install -y -qq "$2" > /dev/null
}
need wrk wrk
need jq jq
need curl curl
if [ -n "$BENCH_DATABASE_URL" ]; then need psql postgresql-client; fi

# --- everything started is stopped on the way out, failure or not --------
PIDS=()
BENCH_DBS=()
drop_databases() {
    for db in "${BENCH_DBS[@]}"; do
        psql -q "$BENCH_DATABASE_URL" -c "DROP DATABASE IF EXISTS $db" > /dev/null ||
            echo "warning: could not drop the database $db" >&2
    done
    BENCH_DBS=()
}
stop_processes() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2> /dev/null || true; done
    PIDS=()
}
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_processes
    drop_databases
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "building nido and nido-bare (release)"
cargo build --release --quiet -p nido -p nido-bare
NIDO=$TARGET/release/nido
BARE=$TARGET/release/nido-bare

ENGINE=sqlite
[ -n "$BENCH_DATABASE_URL" ] && ENGINE=postgres
RUN_DIR=$TARGET/bench/$ENGINE
RESULTS=$RUN_DIR/results.txt
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR"
: > "$RESULTS"
export NIDO_LOG__FORMAT=json

# Waits for "$2" (a regular expression) in the log "$1" of process "$3"
# and prints the address the line holds.
address_in_log() {
    local file=$1 pattern=$2 pid=$3
    for _ in $(seq 1 300); do
        if line=$(grep -m1 -E "$pattern" "$file"); then
            grep -oE '127\.0\.0\.1:[0-9]+' <<< "$line" | head -1
            return
        fi
        kill -0 "$pid" 2> /dev/null || { tail -5 "$file" >&2; die "$file: the process ended"; }
        sleep 0.2
    done
    die "$file: no address after 60 s"
}

# The demo team's published password (src/demo.rs); demo accounts keep it
# (no forced change: that is only for the initial admin).
PASSWORD=$(sed -nE 's/^pub const DEMO_PASSWORD: &str = "(.*)";/\1/p' src/demo.rs)
COORDINATOR_EMAIL=nadia.haddad@nido.example
STAFF_EMAIL=ines.morel@nido.example
login() {
    local token
    token=$(curl -sf "$NIDO_URL/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"email\":\"$1\",\"password\":\"$PASSWORD\"}" | jq -r '.token // empty') || true
    [ -n "$token" ] || die "cannot log in as $1"
    echo "$token"
}
api() { # token, path, curl arguments
    curl -sf --get "$NIDO_URL/api/v1$2" -H "authorization: Bearer $1" "${@:3}"
}

# pick_families TOKEN FILE: up to $FAMILIES families with an active
# placement that the token's user sees, listed through the API.
pick_families() {
    local token=$1 file=$2 cursor="" page after
    : > "$file"
    while [ "$(wc -l < "$file")" -lt "$FAMILIES" ]; do
        after=()
        [ -z "$cursor" ] || after=(--data-urlencode "cursor=$cursor")
        page=$(api "$token" /families --data-urlencode limit=200 "${after[@]}") ||
            die "GET /families failed"
        jq -r '.items[] | select(.current_placement_id != null) | .id' <<< "$page" >> "$file"
        cursor=$(jq -r '.next_cursor // empty' <<< "$page")
        [ -n "$cursor" ] || break
    done
    sed -i "$((FAMILIES + 1)),\$d" "$file"
    [ -s "$file" ] || die "no family with an active placement in $file"
    echo "$(wc -l < "$file") families in $file" >&2
}

# open_centre SCALE DIR: a fresh centre of SCALE families in DIR (its data
# directory, or a database of its own on the PostgreSQL server), nido
# serving it, the coordinator and the staff member signed in, the families
# picked. Sets DATA, DB_URL, LOAD_SECONDS, NIDO_PID, NIDO_URL, COORDINATOR,
# STAFF, COORDINATOR_ID, IDS and STAFF_IDS.
open_centre() {
    local scale=$1 dir=$2
    DATA=$dir/data
    rm -rf "$DATA"
    mkdir -p "$DATA"
    export NIDO_DATA_DIR=$DATA
    DB_URL=""
    if [ "$ENGINE" = postgres ]; then
        local db="nido_bench_$(date +%s)_$$_$scale"
        psql -q "$BENCH_DATABASE_URL" -c "CREATE DATABASE $db" > /dev/null
        BENCH_DBS+=("$db")
        # The same server and options, the database path replaced.
        DB_URL=$(sed -E "s#^(postgres(ql)?://[^/?]+)(/[^?]*)?#\1/$db#" <<< "$BENCH_DATABASE_URL")
        export NIDO_DATABASE_URL=$DB_URL
    fi

    log "loading a centre of $scale families"
    local started=$SECONDS
    "$NIDO" demo-data --scale "$scale" > "$dir/demo-data.log" 2>&1 ||
        { tail -5 "$dir/demo-data.log" >&2; die "nido demo-data failed"; }
    LOAD_SECONDS=$((SECONDS - started))
    echo "loaded in ${LOAD_SECONDS}s" >&2

    # BENCH_NIDO_SETTINGS: NIDO_* assignments for the server alone, to try a
    # setting (e.g. "NIDO_AUTH__MAX_CONCURRENT_HASHES=1").
    local settings
    read -ra settings <<< "${BENCH_NIDO_SETTINGS:-}"
    # The demo's coordinator has no second factor: the bench measures the
    # requests of a session, not the sign-in, so only admins need one here.
    env NIDO_AUTH__MFA_REQUIRED_ROLES=admin "${settings[@]}" NIDO_BIND=127.0.0.1:0 \
        "$NIDO" serve > "$dir/nido.log" 2>&1 &
    NIDO_PID=$!
    PIDS+=("$NIDO_PID")
    NIDO_URL="http://$(address_in_log "$dir/nido.log" 'nido is listening' "$NIDO_PID")"
    echo "nido $NIDO_URL" >&2

    COORDINATOR=$(login "$COORDINATOR_EMAIL")
    STAFF=$(login "$STAFF_EMAIL")
    COORDINATOR_ID=$(api "$COORDINATOR" /me | jq -r .id)
    log "picking up to $FAMILIES families with an active placement through the API"
    IDS=$dir/family-ids.txt
    STAFF_IDS=$dir/staff-family-ids.txt
    pick_families "$COORDINATOR" "$IDS"
    pick_families "$STAFF" "$STAFF_IDS"
}

open_centre "$SCALE" "$RUN_DIR"
log "starting nido-bare on a free port, over the same database"
BARE_DATABASE=(--dir "$DATA")
[ "$ENGINE" = sqlite ] || BARE_DATABASE=(--url "$DB_URL")
"$BARE" serve "${BARE_DATABASE[@]}" --bind 127.0.0.1:0 > "$RUN_DIR/bare.log" 2>&1 &
BARE_PID=$!
PIDS+=("$BARE_PID")
BARE_URL="http://$(address_in_log "$RUN_DIR/bare.log" 'listening on' "$BARE_PID")"
echo "bare $BARE_URL" >&2

# --- workloads -----------------------------------------------------------
ERRORS=0
# run_wrk NAME SCRIPT URL CONNECTIONS SECONDS [VAR=value...]: one wrk run,
# its result line appended to $RESULTS.
run_wrk() {
    local name=$1 script=$2 url=$3 connections=$4 seconds=$5
    shift 5
    local threads=$((connections < 2 ? connections : 2))
    local server=$NIDO_PID
    [ "$url" != "$BARE_URL" ] || server=$BARE_PID
    local cpu_before started=$EPOCHREALTIME
    cpu_before=$(cpu_ticks "$server")
    env BENCH_NAME="$name" BENCH_WRK_DIR="$WRK_DIR" "$@" \
        wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s \
        -s "$WRK_DIR/$script" "$url" > "$RUN_DIR/wrk-$name.txt" 2>&1 || true
    check_run "$name" "$(cpu_percent "$server" "$cpu_before" "$started")" "$(rss_mib "$server")"
}
# rss_mib PID: the process's resident memory now, in MiB.
rss_mib() { awk '$1 == "VmRSS:" { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
# The CPU time a process has used, in clock ticks (utime + stime).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# cpu_percent PID TICKS_BEFORE STARTED: its CPU use since, in % of one core.
cpu_percent() {
    awk -v ticks="$(cpu_ticks "$1")" -v before="$2" -v hz="$(getconf CLK_TCK)" \
        -v started="$3" -v now="$EPOCHREALTIME" \
        'BEGIN { printf "%.0f", 100 * (ticks - before) / hz / (now - started) }'
}
# check_run NAME [CPU [RSS]]: records a run's result line (with the
# server's CPU, and its resident memory at the end of the run).
check_run() {
    local line
    line=$(grep '^BENCH ' "$RUN_DIR/wrk-$1.txt") ||
        { cat "$RUN_DIR/wrk-$1.txt" >&2; die "wrk $1 printed no result"; }
    line="$line server_cpu_pct=${2:--} server_rss_mib=${3:--}"
    echo "$line" >> "$RESULTS"
    if [ "$(value "$1" socket_errors)" != 0 ] || [ "$(value "$1" non2xx)" != 0 ]; then
        echo "error: $1: $(value "$1" non2xx) answers not 2xx, $(value "$1" socket_errors) socket errors (see $RUN_DIR/wrk-$1.txt)" >&2
        ERRORS=$((ERRORS + 1))
    fi
    echo "$line" >&2
}
# value NAME KEY: a figure of a run.
value() {
    awk -v name="name=$1" -v key="$2" '$1 == "BENCH" && $2 == name {
        for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) print kv[2] } }' "$RESULTS" | tail -1
}

AS_COORDINATOR=(BENCH_TOKEN="$COORDINATOR" BENCH_IDS_FILE="$IDS")

log "family read: bare, then nido ($CONNECTIONS connections, ${DURATION}s each)"
run_wrk warmup-bare get.lua "$BARE_URL" "$CONNECTIONS" 2 BENCH_IDS_FILE="$IDS" BENCH_PATH="/families/{id}"
run_wrk bare-read get.lua "$BARE_URL" "$CONNECTIONS" "$DURATION" BENCH_IDS_FILE="$IDS" BENCH_PATH="/families/{id}"
run_wrk warmup-read get.lua "$NIDO_URL" "$CONNECTIONS" 2 "${AS_COORDINATOR[@]}" BENCH_PATH="/api/v1/families/{id}"
run_wrk read get.lua "$NIDO_URL" "$CONNECTIONS" "$DURATION" "${AS_COORDINATOR[@]}" BENCH_PATH="/api/v1/families/{id}"

log "GET /me, authenticated, not audited"
run_wrk me get.lua "$NIDO_URL" "$CONNECTIONS" "$DURATION" BENCH_TOKEN="$STAFF" BENCH_PATH="/api/v1/me"

# The raw durable-commit rate of one thread on the same disk, measured just
# before and just after the writes (a shared disk's rate drifts): the
# higher of the two is the reference.
commit_rate() {
    local line
    line=$("$BARE" commit-rate "${BARE_DATABASE[@]}" --seconds "$DURATION")
    echo "$line" >&2
    grep -oE 'commits_per_s=[0-9.]+' <<< "$line" | cut -d= -f2
}
log "raw durable commits of one thread, then intervention writes ($CONNECTIONS connections), then commits again"
COMMITS_BEFORE=$(commit_rate)
run_wrk write intervention.lua "$NIDO_URL" "$CONNECTIONS" "$DURATION" "${AS_COORDINATOR[@]}" \
    BENCH_STAFF_ID="$COORDINATOR_ID" BENCH_OCCURRED_AT="$(date -u -d yesterday +%Y-%m-%dT09:30:00Z)"
COMMITS_AFTER=$(commit_rate)
COMMITS_PER_S=$(awk -v a="$COMMITS_BEFORE" -v b="$COMMITS_AFTER" 'BEGIN { print (a > b ? a : b) }')

log "screens, one client at a time"
run_wrk deadlines get.lua "$NIDO_URL" 1 "$DURATION" BENCH_TOKEN="$COORDINATOR" BENCH_PATH="/api/v1/deadlines"
run_wrk due-dates get.lua "$NIDO_URL" 1 "$DURATION" BENCH_TOKEN="$COORDINATOR" BENCH_PATH="/api/v1/due-dates"
run_wrk staff-deadlines get.lua "$NIDO_URL" 1 "$DURATION" BENCH_TOKEN="$STAFF" BENCH_PATH="/api/v1/deadlines"
run_wrk staff-due-dates get.lua "$NIDO_URL" 1 "$DURATION" BENCH_TOKEN="$STAFF" BENCH_PATH="/api/v1/due-dates"
run_wrk timeline get.lua "$NIDO_URL" 1 "$DURATION" "${AS_COORDINATOR[@]}" BENCH_PATH="/api/v1/families/{id}/timeline"
run_wrk staff-timeline get.lua "$NIDO_URL" 1 "$DURATION" BENCH_TOKEN="$STAFF" BENCH_IDS_FILE="$STAFF_IDS" \
    BENCH_PATH="/api/v1/families/{id}/timeline"

# Four logins in flight keep every argon2 slot (auth.max_concurrent_hashes,
# half the cores by default) always busy; more, on one account from one
# address, would only meet the throttle, which counts an attempt in flight
# until its password is checked.
STORM_CONNECTIONS=4
log "family read during a login storm ($STORM_CONNECTIONS logins in flight)"
STORM_CPU=$(cpu_ticks "$NIDO_PID")
STORM_STARTED=$EPOCHREALTIME
env BENCH_NAME=login-storm BENCH_WRK_DIR="$WRK_DIR" BENCH_EMAIL="$STAFF_EMAIL" BENCH_PASSWORD="$PASSWORD" \
    wrk -t2 -c"$STORM_CONNECTIONS" -d"$((DURATION + 2))s" --timeout 10s -s "$WRK_DIR/login.lua" "$NIDO_URL" \
    > "$RUN_DIR/wrk-login-storm.txt" 2>&1 &
STORM=$!
PIDS+=("$STORM")
sleep 1
run_wrk read-storm get.lua "$NIDO_URL" "$CONNECTIONS" "$DURATION" "${AS_COORDINATOR[@]}" BENCH_PATH="/api/v1/families/{id}"
wait "$STORM" || true
check_run login-storm "$(cpu_percent "$NIDO_PID" "$STORM_CPU" "$STORM_STARTED")" "$(rss_mib "$NIDO_PID")"

# --- the table ------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
verdict() { # measured, ">=" or "<=", goal
    awk -v v="$1" -v op="$2" -v goal="$3" 'BEGIN {
        if (v == "n/a") print "n/a";
        else if ((op == ">=" && v + 0 >= goal + 0) || (op == "<=" && v + 0 <= goal + 0)) print "pass";
        else print "FAIL" }'
}
FORMAT='%-46s %9s %8s %8s %5s %7s  %-22s %10s %9s  %s\n'
row() { # label, run, reference, measured, op, goal, unit
    local measured=$4 goal_text="-" result="-"
    if [ -n "$5" ]; then goal_text="$5 $6$7"; result=$(verdict "$measured" "$5" "$6"); fi
    # shellcheck disable=SC2059
    printf "$FORMAT" "$1" "$(value "$2" rps)" "$(value "$2" p50_ms)" "$(value "$2" p99_ms)" \
        "$(value "$2" server_cpu_pct)" "$(value "$2" server_rss_mib)" "$3" "$measured$7" "$goal_text" "$result"
}
{
    echo
    echo "nido benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $ENGINE, scale $SCALE (loaded in ${LOAD_SECONDS}s), ${DURATION}s per workload"
    echo "machine: $(nproc) cores, Linux $(uname -r), data on $(df -hT "$DATA" | awk 'NR == 2 { print $1 " (" $2 ")" }'), load average before the run $LOAD_BEFORE"
    [ -z "${BENCH_NIDO_SETTINGS:-}" ] || echo "nido run with $BENCH_NIDO_SETTINGS"
    echo "cpu%: the server's CPU during the workload, in % of one core (wrk runs on the same cores);"
    echo "rss MiB: the server's resident memory at the end of the workload"
    echo
    # shellcheck disable=SC2059
    printf "$FORMAT" workload "req/s" "p50 ms" "p99 ms" "cpu%" "rss MiB" reference measured goal result
    row "GET /families/{id} (c$CONNECTIONS)" read "bare $(value bare-read rps)/s" \
        "$(ratio "$(value read rps)" "$(value bare-read rps)")" ">=" 0.50 ""
    row "  bare GET /families/{id} (c$CONNECTIONS)" bare-read "" "" "" "" ""
    row "  nido read p99/p50" read "" \
        "$(ratio "$(value read p99_ms)" "$(value read p50_ms)")" "<=" 5 ""
    row "  nido resident memory after the reads" "" "scale $SCALE" "$(value read server_rss_mib)" "<=" 64 " MiB"
    row "POST /families/{id}/interventions (c$CONNECTIONS)" write "commits ${COMMITS_PER_S}/s" \
        "$(ratio "$(value write rps)" "$COMMITS_PER_S")" ">=" 1.0 ""
    row "  nido write p99/p50" write "" \
        "$(ratio "$(value write p99_ms)" "$(value write p50_ms)")" "<=" 5 ""
    row "GET /me (c$CONNECTIONS)" me "bare $(value bare-read rps)/s" \
        "$(ratio "$(value me rps)" "$(value bare-read rps)")" "" "" ""
    row "GET /deadlines, coordinator (c1) p95" deadlines "" "$(value deadlines p95_ms)" "<=" 20 " ms"
    row "GET /due-dates, coordinator (c1) p95" due-dates "" "$(value due-dates p95_ms)" "<=" 20 " ms"
    row "GET /deadlines, staff member (c1) p95" staff-deadlines "" "$(value staff-deadlines p95_ms)" "<=" 20 " ms"
    row "GET /due-dates, staff member (c1) p95" staff-due-dates "" "$(value staff-due-dates p95_ms)" "<=" 20 " ms"
    row "GET /families/{id}/timeline, coord. (c1) p95" timeline "" "$(value timeline p95_ms)" "<=" 20 " ms"
    row "GET /families/{id}/timeline, staff (c1) p95" staff-timeline "" "$(value staff-timeline p95_ms)" "<=" 20 " ms"
    row "GET /families/{id} in a login storm, p99" read-storm "p99 alone $(value read p99_ms)" \
        "$(ratio "$(value read-storm p99_ms)" "$(value read p99_ms)")" "<=" 2 ""
    row "  the storm: POST /auth/login (c$STORM_CONNECTIONS)" login-storm "" "" "" "" ""
} | tee "$RUN_DIR/table.txt"

# --- the scale series -------------------------------------------------------
# A fresh centre of each size in SCALES, nido alone on it: the first page
# of each screen, one client, and how its p95 grows from the smallest
# centre to the largest.
SERIES=(read timeline deadlines due-dates)
series_label() {
    case $1 in
        read) echo "GET /families/{id}" ;;
        timeline) echo "GET /families/{id}/timeline" ;;
        deadlines) echo "GET /deadlines, coordinator" ;;
        due-dates) echo "GET /due-dates, coordinator" ;;
    esac
}
if [ -n "$SCALES" ]; then
    stop_processes
    drop_databases
    IFS=, read -ra SIZES <<< "$SCALES"
    for size in "${SIZES[@]}"; do
        open_centre "$size" "$RUN_DIR/scale-$size"
        echo "scale $size loaded in ${LOAD_SECONDS}s" >> "$RUN_DIR/scales.txt"
        log "the first pages at $size families, one client"
        run_wrk "scale-$size-read" get.lua "$NIDO_URL" 1 "$DURATION" BENCH_TOKEN="$COORDINATOR" \
            BENCH_IDS_FILE="$IDS" BENCH_PATH="/api/v1/families/{id}"
        run_wrk "scale-$size-timeline" get.lua "$NIDO_URL" 1 "$DURATION" BENCH_TOKEN="$COORDINATOR" \
            BENCH_IDS_FILE="$IDS" BENCH_PATH="/api/v1/families/{id}/timeline"
        run_wrk "scale-$size-deadlines" get.lua "$NIDO_URL" 1 "$DURATION" BENCH_TOKEN="$COORDINATOR" \
            BENCH_PATH="/api/v1/deadlines"
        run_wrk "scale-$size-due-dates" get.lua "$NIDO_URL" 1 "$DURATION" BENCH_TOKEN="$COORDINATOR" \
            BENCH_PATH="/api/v1/due-dates"
        stop_processes
        drop_databases
        rm -rf "$RUN_DIR/scale-$size/data"
    done
    {
        echo
        echo "scale series: p95 ms of the first page, one client, a fresh centre of each size ($(tr '\n' ';' < "$RUN_DIR/scales.txt"))"
        printf '%-34s' "workload"
        for size in "${SIZES[@]}"; do printf ' %10s' "$size"; done
        printf ' %8s %8s  %s\n' growth goal result
        for workload in "${SERIES[@]}"; do
            printf '%-34s' "$(series_label "$workload")"
            for size in "${SIZES[@]}"; do printf ' %10s' "$(value "scale-$size-$workload" p95_ms)"; done
            growth=$(ratio "$(value "scale-${SIZES[-1]}-$workload" p95_ms)" "$(value "scale-${SIZES[0]}-$workload" p95_ms)")
            printf ' %8s %8s  %s\n' "$growth" "< 2" "$(verdict "$growth" "<=" 2)"
        done
        printf '%-34s' "nido resident memory, MiB"
        for size in "${SIZES[@]}"; do printf ' %10s' "$(value "scale-$size-due-dates" server_rss_mib)"; done
        printf '\n'
    } | tee -a "$RUN_DIR/table.txt"
fi

if [ "$ERRORS" -gt 0 ]; then
    die "$ERRORS workloads had errors (see above): the figures are not to be trusted"
fi
