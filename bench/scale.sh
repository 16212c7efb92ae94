#!/usr/bin/env bash
# budgetbot at scale: one monthly rule over N = 1,000 and 10,000 key x model series, cold and warm, against the
# floor (bare signed calls), a curl + jq loop and the simulator's own speed. What and how: bench/README.md.
#
#   bash bench/scale.sh            # N = 1,000; N = 10,000 too when the N = 1,000 rows predict it fits (see below)
#   bash bench/scale.sh --full     # N = 1,000 and 10,000 whatever it takes (today's code: ~15 minutes)
#   bash bench/scale.sh --quick    # smoke run: N = 100, a short simulator row, about a minute
#
# Prints a markdown table on stdout (progress on stderr) and appends it, with the machine, to bench/RESULTS.md.
# Knobs (environment):
#   BENCH_JAVA_OPTS="-Xmx512m"  JVM options of the measured budgetbot runs (default: the documented heap bound)
#   BENCH_10K_BUDGET=300        default mode: run N = 10,000 only if the N = 1,000 rows predict it takes <= this (s)
#   BENCH_SIM_CALLS=60000       calls of the simulator-speed row (64 connections)
#   BENCH_TIMEOUT               seconds the whole run may take (default 900, --full 2400, --quick 300)
#   BENCH_STEP_TIMEOUT=900      seconds one row may take
#   BENCH_RESULTS=bench/RESULTS.md   where the table is appended; "-" = nowhere
#   BENCH_AT=now                check at the real now instead of the last 27th of a month, 18:00 Asia/Shanghai
#   BENCH_KEEP=1                keep the temp dir (configs, outputs, simulator log)
set -euo pipefail

MODE=default
for arg in "$@"; do
    case $arg in
        --quick) MODE=quick ;;
        --full) MODE=full ;;
        -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) echo "scale.sh: unknown argument '$arg' (--quick, --full)" >&2; exit 2 ;;
    esac
done

# Bound the whole run: on expiry timeout signals its process group, i.e. every java and curl this script started.
if [[ -z ${BENCH_UNDER_TIMEOUT:-} ]]; then
    case $MODE in quick) limit=300 ;; full) limit=2400 ;; *) limit=900 ;; esac
    BENCH_UNDER_TIMEOUT=1 exec timeout "${BENCH_TIMEOUT:-$limit}" bash "$0" "$@"
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/target/budgetbot.jar
JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx512m}
STEP_TIMEOUT=${BENCH_STEP_TIMEOUT:-900}
BUDGET_10K=${BENCH_10K_BUDGET:-300}
RESULTS_FILE=${BENCH_RESULTS:-$ROOT/bench/RESULTS.md}
ZONE=Asia/Shanghai
MODELS=(deepseek-ai/DeepSeek-R1 deepseek-ai/DeepSeek-V3-0324 Qwen/Qwen3-32B moonshotai/Kimi-K2-Instruct)
CONCURRENCY=16   # the floor's concurrency: ucloud.maxConcurrency's default
case $MODE in
    quick) SMALL=100 SIM_CALLS=${BENCH_SIM_CALLS:-10000} ;;
    *) SMALL=1000 SIM_CALLS=${BENCH_SIM_CALLS:-60000} ;;
esac
BIG=10000

say() { printf 'scale: %s\n' "$*" >&2; }
commas() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
die() { say "$*"; exit 1; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

for tool in java curl jq sha1sum awk; do
    command -v "$tool" >/dev/null || die "needs $tool (Debian: apt-get install curl jq coreutils gawk)"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/budgetbot-scale.XXXXXX")
SIM_PID= STEP_PID= BIG_WARM= BIG_WARM_FLOOR= BIG_WARM_RC= SMALL_WARM_FLOOR=
cleanup() {
    # a step runs under its own timeout, in its own process group: stop it (timeout passes the signal on)
    stop "$STEP_PID" "$SIM_PID"
    if [[ ${BENCH_KEEP:-} == 1 ]]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'say "stopped (time limit or SIGTERM)"; exit 143' TERM

if [[ ! -f $JAR ]]; then
    say "building $JAR"
    (cd "$ROOT" && timeout "$STEP_TIMEOUT" mvn -B -q -DskipTests package) || die "build failed"
fi
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no -- . ":!bench/RESULTS.md" 2>/dev/null) ]]; then
    COMMIT="$COMMIT + uncommitted changes"
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- measuring helpers
# timed OUT CMD...: runs CMD (stdout to OUT.out, stderr to OUT.err) and writes "wall_s peak_rss_kb exit" to OUT.time
timed() {
    local out=$1 t0 t1 rc=0
    shift
    if [[ -x /usr/bin/time ]]; then
        t0=$(date +%s%N)
        timeout "$STEP_TIMEOUT" /usr/bin/time -f '%M' -o "$out.rss" "$@" >"$out.out" 2>"$out.err" &
        STEP_PID=$!
        wait "$STEP_PID" || rc=$?
        STEP_PID=
        t1=$(date +%s%N)
        echo "$(((t1 - t0) / 1000000))e-3 $(tail -1 "$out.rss") $rc" >"$out.time"
    else
        # no GNU time (Debian: apt-get install time): sample the kernel's high-water mark of the process
        t0=$(date +%s%N)
        timeout "$STEP_TIMEOUT" "$@" >"$out.out" 2>"$out.err" &
        STEP_PID=$!
        local pid=$STEP_PID hwm=0 v
        while kill -0 "$pid" 2>/dev/null; do
            for p in $pid $(pgrep -P "$pid" 2>/dev/null); do
                v=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
                if [[ -n $v ]] && ((v > hwm)); then hwm=$v; fi
            done
            sleep 0.05
        done
        wait "$pid" || rc=$?
        STEP_PID=
        t1=$(date +%s%N)
        echo "$(((t1 - t0) / 1000000))e-3 $hwm $rc" >"$out.time"
    fi
}

# sim_stats: "tokenUsage bytesIn+bytesOut emptyAnswers" as the simulator counts them so far
sim_stats() {
    curl -sf "${BASE}_sim/stats" | jq -r '"\(.tokenUsage) \(.bytesIn + .bytesOut) \(.emptyAnswers)"'
}
sim_cpu_ticks() { awk '{print $14 + $15}' "/proc/$SIM_PID/stat"; }

# row SCENARIO N WALL CALLS BYTES RSS_KB NOTE: one line of the table
ROWS=$WORK/rows.psv
row() { printf '%s|%s|%s|%s|%s|%s|%s\n' "$@" >>"$ROWS"; }

# measure_with_stats NAME CMD...: runs CMD timed and sets WALL RSS_KB RC CALLS BYTES from the time file and the
# simulator's counters
measure_with_stats() {
    local name=$1 before after empty
    shift
    read -r c0 b0 e0 <<<"$(sim_stats)"
    timed "$WORK/$name" "$@"
    kill -0 "$SIM_PID" 2>/dev/null || die "the simulator died during $name (killed from outside?); rows so far:
$(cat "$ROWS" 2>/dev/null)"
    read -r c1 b1 e1 <<<"$(sim_stats)"
    read -r WALL RSS_KB RC <"$WORK/$name.time"
    CALLS=$((c1 - c0)) BYTES=$((b1 - b0)) empty=$((e1 - e0))
    ((empty == 0)) || die "$name asked for $empty series the simulator does not serve: key names out of step?"
}

# ---------------------------------------------------------------- times and windows
# Every check runs --at the same kind of instant, the 27th of a month at 18:00 in $ZONE (the last one passed), so
# every run does the same work whatever the date: the month so far is 27 day slices, and so is the same span of
# the previous month. The simulator has usage for every past hour. BENCH_AT=now checks at the real now instead,
# as a running install does (then the work depends on the day of the month).
if [[ ${BENCH_AT:-} == now ]]; then
    MONTH=$(TZ=$ZONE date +%Y-%m)
    AT=$(TZ=$ZONE date +%Y-%m-%dT%H:%M:%S+08:00)
else
    day=$(TZ=$ZONE date +%d) hour=$(TZ=$ZONE date +%H)
    if ((10#$day > 27 || (10#$day == 27 && 10#$hour >= 18))); then
        MONTH=$(TZ=$ZONE date +%Y-%m)
    else
        MONTH=$(TZ=$ZONE date -d "$(TZ=$ZONE date +%Y-%m-15) -1 month" +%Y-%m)
    fi
    AT="$MONTH-27T18:00+08:00"
fi
PREV_MONTH=$(date -d "$MONTH-15 -1 month" +%Y-%m)
AT_S=$(date -d "$AT" +%s)
MONTH_S=$(date -d "$MONTH-01T00:00+08:00" +%s)
PREV_S=$(date -d "$PREV_MONTH-01T00:00+08:00" +%s)
PREV_END_S=$((PREV_S + AT_S - MONTH_S))
SLICES=$(((AT_S - MONTH_S + 86399) / 86400))   # local days the month so far touches ($ZONE has no DST)
WINDOWS=(--window "$MONTH_S,$AT_S" --window "$PREV_S,$PREV_END_S")

# ---------------------------------------------------------------- simulator
# 2,500 synthetic keys x 4 models = the 10,000 series; the N = 1,000 config uses the first 250 keys. Windows up to
# 31 days so that the curl loop's one-request-per-month gets an answer (budgetbot sends day slices anyway).
say "starting the simulator"
start_simulator "$WORK" --synthetic-keys $((BIG / ${#MODELS[@]})) --max-window-days 31 \
    --models "$(IFS=,; echo "${MODELS[*]}")"
# the configs refer to ${BENCH_UCLOUD_PRIVATE_KEY} as a real one would; the key is the simulator's demo key
export BENCH_UCLOUD_PRIVATE_KEY=$PRIVATE_KEY
curl -sf "${BASE}_sim/stats" >/dev/null || die "the simulator has no /_sim/stats: rebuild target/budgetbot.jar"

# ---------------------------------------------------------------- configs
# keys N: the key ids of the first N series' keys, one per line (the simulator's synthetic names)
keys() { for ((i = 1; i <= $1 / ${#MODELS[@]}; i++)); do printf 'uminferapikey-sim-%05d\n' "$i"; done; }

# config N: one rule over N series, a monthly token budget and month-over-month growth. The simulator serves about
# 130M tokens per series in 27 days, so the limit (150M per series) puts the first run at the 80% level.
config() {
    cat <<EOF
timezone: $ZONE
ucloud:
  baseUrl: $BASE
  publicKey: $PUBLIC_KEY
  privateKey: \${BENCH_UCLOUD_PRIVATE_KEY}
state:
  url: jdbc:h2:file:$WORK/state-$1/budgetbot
channels:
  console:
    type: console
rules:
  - name: month-$1
    keys: [$(keys "$1" | paste -sd, -)]
    models: [$(IFS=,; echo "${MODELS[*]}")]
    budgets:
      - metric: tokens
        period: month
        limit: $(($1 * 150))M
        thresholds: [50%, 80%, 100%]
    growth:
      - metric: tokens
        period: month
        increase: 20%
    notify: [console]
EOF
}

# ---------------------------------------------------------------- rows
FLOOR=(java -cp "$JAR" "$ROOT/bench/Floor.java" --base "$BASE" --public-key "$PUBLIC_KEY"
    --models "$(IFS=,; echo "${MODELS[*]}")" --zone "$ZONE" "${WINDOWS[@]}" --timeout "$STEP_TIMEOUT")

# floor_row LABEL N CALLS CONC: the floor for CALLS calls over the first N series; sets FLOOR_WALL, FLOOR_RPS and
# SIM_NOTE (the simulator's CPU per call)
floor_row() {
    local label=$1 n=$2 calls=$3 conc=$4 t0
    say "$label: $calls calls at concurrency $conc"
    t0=$(sim_cpu_ticks)
    measure_with_stats "floor-$n-$calls-$conc" "${FLOOR[@]}" --synthetic-keys $((n / ${#MODELS[@]})) \
        --calls "$calls" --concurrency "$conc"
    local sim_ms=$((($(sim_cpu_ticks) - t0) * 10))
    local line
    line=$(grep '^floor ' "$WORK/floor-$n-$calls-$conc.out" || true)
    [[ $RC == 0 && -n $line ]] || die "$label failed (exit $RC): $(tail -3 "$WORK/floor-$n-$calls-$conc.err")"
    FLOOR_WALL=$(sed 's/.* wall_s=\([0-9.]*\).*/\1/' <<<"$line")
    FLOOR_RPS=$(sed 's/.* rps=\([0-9]*\).*/\1/' <<<"$line")
    SIM_NOTE=$(awk -v ms="$sim_ms" -v c="$CALLS" -v n="$(nproc)" 'BEGIN {
        printf "simulator CPU %.3f ms/call (~%d calls/s on %d cores if it had them alone)", ms / c, (ms > 0 ? c / ms * 1000 * n : 0), n }')
    say "  $FLOOR_WALL s, $FLOOR_RPS calls/s"
    row "$label" "$n" "$FLOOR_WALL" "$CALLS" "$BYTES" "$RSS_KB" \
        "$conc at a time; wall = the calls only (+$(awk -v a="$WALL" -v b="$FLOOR_WALL" 'BEGIN {printf "%.1f", a - b}') s JVM start and compiling Floor.java); $SIM_NOTE"
}

# check_row ID LABEL N: one budgetbot check on N series with the state as it is; outputs in $WORK/check-N-ID.*
check_row() {
    local id=$1 label=$2 n=$3 out summary
    out=$WORK/check-$n-$id
    say "$label, N = $n"
    # shellcheck disable=SC2086  # JAVA_OPTS is a list of options on purpose
    measure_with_stats "check-$n-$id" java $JAVA_OPTS -jar "$JAR" check --config "$WORK/config-$n.yml" --at "$AT"
    summary=$(grep -m1 'conditions,' "$out.out" || true)
    summary=${summary#*: }
    if [[ $RC != 0 ]]; then
        summary="FAILED (exit $RC$([[ $RC == 124 ]] && echo ", step timeout ${STEP_TIMEOUT} s")): $(grep -h -m1 -E 'Error|Exception|FAILED' \
            "$out.err" "$out.out" | head -1 | cut -c1-160 || true)"
    fi
    row "$label" "$n" "$WALL" "$CALLS" "$BYTES" "$RSS_KB" "${summary//|/\\|}"
    say "  $(awk -v w="$WALL" 'BEGIN {printf "%.1f", w}') s, $CALLS calls, exit $RC"
}

# checks N: cold (fresh state) then warm (same state), the floors for their call counts, and the check's total
checks() {
    local n=$1
    config "$n" >"$WORK/config-$n.yml"
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$JAR" validate --config "$WORK/config-$n.yml" >/dev/null || die "invalid generated config"
    rm -rf "$WORK/state-$n"
    check_row cold "check, cold (fresh state)" "$n"
    COLD_WALL=$WALL COLD_CALLS=$CALLS COLD_RC=$RC
    check_row warm "check, warm (2nd run, same state)" "$n"
    WARM_WALL=$WALL WARM_CALLS=$CALLS WARM_RC=$RC
    WARM_FLOOR=
    if ((WARM_CALLS > 0)); then
        floor_row "floor (calls of the warm check)" "$n" "$WARM_CALLS" "$CONCURRENCY"
        WARM_FLOOR=$FLOOR_WALL
    fi
    if ((COLD_CALLS != WARM_CALLS && COLD_CALLS > 0 && n < BIG)); then
        floor_row "floor (calls of the cold check)" "$n" "$COLD_CALLS" "$CONCURRENCY"
    fi
}

# The simulator first: warm its JIT (not reported), then its speed with 64 connections. The bot rows after it
# then meet a warm simulator.
say "warming up the simulator"
measure_with_stats warmup "${FLOOR[@]}" --synthetic-keys $((SMALL / ${#MODELS[@]})) --calls $((SIM_CALLS / 3)) \
    --concurrency 64
floor_row "simulator speed (floor, 64 connections)" "$SMALL" "$SIM_CALLS" 64
SIM_RPS=$FLOOR_RPS SIM_CPU_NOTE=$SIM_NOTE

checks "$SMALL"
SMALL_COLD=$COLD_WALL SMALL_WARM=$WARM_WALL SMALL_WARM_FLOOR=$WARM_FLOOR SMALL_WARM_CALLS=$WARM_CALLS
USED=$(grep -m1 -o 'Used: [0-9,]*' "$WORK/check-$SMALL-cold.out" 2>/dev/null | tr -dc 0-9 || true)

# the curl + jq loop over the same N series, one request per series for the month so far
keys "$SMALL" >"$WORK/keys.txt"
printf '%s\n' "${MODELS[@]}" >"$WORK/models.txt"
say "curl + jq loop, $SMALL series"
measure_with_stats curl bash "$ROOT/bench/curl-loop.sh" "$BASE" "$PUBLIC_KEY" "$WORK/keys.txt" "$WORK/models.txt" \
    "$MONTH_S" "$AT_S"
[[ $RC == 0 ]] || die "the curl loop failed (exit $RC): $(tail -3 "$WORK/curl.err")"
CURL_WALL=$WALL
CURL_TOTAL=$(tail -1 "$WORK/curl.out")
if [[ -n $USED && $USED == "$CURL_TOTAL" ]]; then
    CURL_NOTE="sum $CURL_TOTAL tokens = the check's 'Used'"
else
    CURL_NOTE="sum $CURL_TOTAL tokens (the check's 'Used': ${USED:-not printed})"
fi
row "curl + jq loop (1 POST per series, month so far)" "$SMALL" "$WALL" "$CALLS" "$BYTES" "$RSS_KB" "sequential; $CURL_NOTE"

# N = 10,000: always with --full, never with --quick, by default when the N = 1,000 rows predict it fits
RUN_BIG=no
PREDICTED=
if [[ $MODE == full ]]; then
    RUN_BIG=yes
elif [[ $MODE == default ]]; then
    # ten times the series: ten times the checks, plus the warm floor at the simulator speed just measured
    PREDICTED=$(awk -v c="$SMALL_COLD" -v w="$SMALL_WARM" -v calls="$SMALL_WARM_CALLS" -v rps="$SIM_RPS" \
        'BEGIN {printf "%.0f", 10 * (c + w) + 10 * calls / (rps > 0 ? rps : 1)}')
    if ((PREDICTED <= BUDGET_10K)); then RUN_BIG=yes; fi
fi
if [[ $RUN_BIG == yes ]]; then
    checks "$BIG"
    BIG_WARM=$WARM_WALL BIG_WARM_FLOOR=$WARM_FLOOR BIG_WARM_RC=$WARM_RC
else
    why="skipped: --quick"
    if [[ $MODE == default ]]; then
        why="skipped: the N = $(commas "$SMALL") rows predict ~$PREDICTED s for N = $(commas "$BIG") (more than BENCH_10K_BUDGET = $BUDGET_10K s); run with --full"
    fi
    row "check, cold + warm, and floor" "$BIG" "-" "-" "-" "-" "$why"
fi

# ---------------------------------------------------------------- report
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
MEM=$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
JAVA_VERSION=$(java -version 2>&1 | head -1)
NOW=$(date -u +%FT%RZ)

report() {
    printf '### %s, %s run, commit %s\n\n' "$NOW" "$MODE" "$COMMIT"
    printf -- '- machine: %s cores (%s), %s RAM, %s; load %s before, %s after\n' "$(nproc)" \
        "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)" "$MEM" "$JAVA_VERSION" "$LOAD_BEFORE" "$LOAD_AFTER"
    printf -- '- check: one rule over N series (N/4 keys x 4 models), monthly token budget + month-over-month growth, `check --at %s` (month so far and the same span of %s: %d + %d day slices per series), default ucloud settings%s\n' \
        "$AT" "$PREV_MONTH" "$SLICES" "$SLICES" "${JAVA_OPTS:+, JVM options $JAVA_OPTS}"
    printf -- '- calls and bytes as the simulator counted them (request query + body, response body; no HTTP headers); wall = process wall time except for floor rows; peak RSS from %s\n\n' \
        "$([[ -x /usr/bin/time ]] && echo '/usr/bin/time' || echo 'VmHWM sampling')"
    printf '| scenario | N | wall s | calls | calls/s | bytes MB | peak RSS MB | notes |\n'
    printf '|---|---:|---:|---:|---:|---:|---:|---|\n'
    while IFS='|' read -r scenario n wall calls bytes rss note; do
        if [[ $wall == - ]]; then
            printf '| %s | %s | - | - | - | - | - | %s |\n' "$scenario" "$(commas "$n")" "$note"
        else
            awk -v s="$scenario" -v n="$n" -v w="$wall" -v c="$calls" -v b="$bytes" -v r="$rss" -v note="$note" '
                function commas(x,    t) { t = sprintf("%d", x); while (t ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", t); return t }
                BEGIN { printf "| %s | %s | %.1f | %s | %s | %s | %s | %s |\n", s, commas(n), w, commas(c),
                        commas(w > 0 ? c / w : 0), sprintf("%.1f", b / 1e6), commas(r / 1024), note }'
        fi
    done <"$ROWS"
    # targets: reported, never asserted
    local max_rss
    max_rss=$(awk -F'|' '$1 ~ /^check/ && $6 ~ /^[0-9]+$/ {if ($6 > m) m = $6} END {printf "%d", m / 1024}' "$ROWS")
    verdict() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN { ok = (dir == "le") ? v <= t : v >= t; print ok ? "met" : "**missed**" }'; }
    printf '\nTargets (reported, not asserted):\n\n'
    if [[ $RUN_BIG == yes && $BIG_WARM_RC == 0 ]]; then
        printf -- '- warm check at %s series <= 10 s: %.1f s, %s\n' "$(commas "$BIG")" "$BIG_WARM" "$(verdict "$BIG_WARM" 10 le)"
        if [[ -n $BIG_WARM_FLOOR ]]; then
            local ratio
            ratio=$(awk -v a="$BIG_WARM" -v b="$BIG_WARM_FLOOR" 'BEGIN {printf "%.1f", a / b}')
            printf -- '- warm check at %s series <= 1.5x its floor: %sx (floor %.1f s), %s\n' "$(commas "$BIG")" "$ratio" "$BIG_WARM_FLOOR" "$(verdict "$ratio" 1.5 le)"
        fi
    else
        printf -- '- warm check at %s series <= 10 s and <= 1.5x its floor: not measured (%s)\n' "$(commas "$BIG")" \
            "$([[ $RUN_BIG == yes ]] && echo "the warm check failed" || echo "N = $(commas "$BIG") skipped")"
        if [[ -n $SMALL_WARM_FLOOR ]]; then
            printf -- '- (at %s series the warm check took %.1fx its floor)\n' "$(commas "$SMALL")" "$(awk -v a="$SMALL_WARM" -v b="$SMALL_WARM_FLOOR" 'BEGIN {print a / b}')"
        fi
    fi
    local speedup
    speedup=$(awk -v a="$CURL_WALL" -v b="$SMALL_WARM" 'BEGIN {printf "%.1f", a / b}')
    printf -- '- warm check >= 20x faster than the curl loop at %s series: %sx (%.1f s vs %.1f s), %s\n' "$(commas "$SMALL")" "$speedup" \
        "$SMALL_WARM" "$CURL_WALL" "$(verdict "$speedup" 20 ge)"
    printf -- '- peak RSS of a check <= 512 MB: %s MB at most, %s\n' "$max_rss" "$(verdict "$max_rss" 512 le)"
    printf -- '- simulator >= 5,000 requests/s: %s requests/s with the floor on the same cores, %s\n' "$SIM_RPS" "$(verdict "$SIM_RPS" 5000 ge)"
}

report | tee "$WORK/report.md"
if [[ $RESULTS_FILE != - ]]; then
    if [[ ! -s $RESULTS_FILE ]]; then
        printf '# budgetbot scale benchmark results\n\nAppended by `bash bench/scale.sh` (see bench/README.md); newest last.\n\n' >"$RESULTS_FILE"
    fi
    { echo; cat "$WORK/report.md"; } >>"$RESULTS_FILE"
    say "appended to $RESULTS_FILE"
fi
