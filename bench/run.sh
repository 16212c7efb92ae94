#!/usr/bin/env bash
# Measures budgetbot's command-line wall times and peak memory against the bundled UCloud simulator on loopback.
# What is measured and how to read it: bench/README.md. Knobs (environment):
#   BENCH_RUNS=5          measured runs per row (after BENCH_WARMUP unmeasured ones)
#   BENCH_WARMUP=1
#   BENCH_RSS_RUNS=3      runs of the big check under /usr/bin/time -v (or /proc sampling)
#   BENCH_LATENCY_MS=50   per-request delay the simulator adds in the "with latency" rows (0 skips them)
#   BENCH_TIMEOUT=1800    seconds the whole script may take; then everything it started is stopped
#   BENCH_STEP_TIMEOUT=600  seconds one row may take before the script gives up
#   BENCH_JAVA_OPTS=""    extra JVM options for every budgetbot run, e.g. "-Xmx256m"
#   BENCH_KEEP=1          keep the temp dir (configs, H2 files, simulator log) for a look afterwards
#   BENCH_NO_HYPERFINE=1  use the bash timing loop even when hyperfine is installed
set -euo pipefail

# Bound the whole run: timeout signals its entire process group (hyperfine, java, the simulator) on expiry.
if [[ -z ${BENCH_UNDER_TIMEOUT:-} ]]; then
    BENCH_UNDER_TIMEOUT=1 exec timeout "${BENCH_TIMEOUT:-1800}" bash "$0" "$@"
fi

RUNS=${BENCH_RUNS:-5}
WARMUP=${BENCH_WARMUP:-1}
RSS_RUNS=${BENCH_RSS_RUNS:-3}
LATENCY_MS=${BENCH_LATENCY_MS:-50}
STEP_TIMEOUT=${BENCH_STEP_TIMEOUT:-600}
JAVA_OPTS=${BENCH_JAVA_OPTS:-}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/target/budgetbot.jar
ZONE=Asia/Shanghai
KEYS=(uminferapikey-bench1 uminferapikey-bench2 uminferapikey-bench3 uminferapikey-bench4 uminferapikey-bench5)
MODELS=(deepseek-ai/DeepSeek-R1 deepseek-ai/DeepSeek-V3-0324 Qwen/Qwen3-32B moonshotai/Kimi-K2-Instruct)

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
join() { local IFS=$1; shift; printf '%s' "$*"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/budgetbot-bench.XXXXXX")
SIM_PID=
cleanup() {
    stop "$SIM_PID"
    if [[ ${BENCH_KEEP:-} == 1 ]]; then say "bench: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'say "bench: stopped (time limit or SIGTERM)"; exit 143' TERM

if [[ ! -f $JAR ]]; then
    say "bench: building $JAR"
    (cd "$ROOT" && timeout "$STEP_TIMEOUT" mvn -B -q -o -DskipTests package) || die "build failed"
fi

# budgetbot as the measured commands run it; the runner reads it from the environment
BB="java $JAVA_OPTS -jar $JAR"

# ---------------------------------------------------------------- simulator
start_simulator "$WORK" --keys "$(join , "${KEYS[@]}")" --models "$(join , "${MODELS[@]}")"
# the configs refer to ${BENCH_UCLOUD_PRIVATE_KEY} as a real one would; the key is the simulator's demo key
export BENCH_UCLOUD_PRIVATE_KEY=$PRIVATE_KEY

# Faults are queued on the simulator and consumed by the next requests; a "slow" fault delays one answer.
queue_slow() { echo "curl -sf -X POST '${BASE}_sim/faults?kind=slow&count=$1&delayMs=$LATENCY_MS' >/dev/null"; }
pending_faults() { curl -sf -X POST "${BASE}_sim/faults?kind=slow&count=0" | sed 's/.*"pending":\([0-9]*\).*/\1/'; }

# ---------------------------------------------------------------- times
# Every run uses the same instants so that repeated runs do the same work: the last 18:00 in $ZONE that has
# passed (a day 3/4 over: budgets, forecasts and growth all have data) and the local midnights before it.
now_local_hour=$(TZ=$ZONE date +%H)
if ((10#$now_local_hour >= 18)); then day=$(TZ=$ZONE date +%F); else day=$(TZ=$ZONE date -d yesterday +%F); fi
AT="${day}T18:00+08:00"
DAY_END=$day
DAY_START=$(date -d "$day -1 day" +%F)
MONTH_START=$(date -d "$day -31 days" +%F)

# ---------------------------------------------------------------- configs
# header NAME PARALLELISM: everything but the rules; state is an H2 file in the temp dir
header() {
    cat <<EOF
timezone: $ZONE
ucloud:
  baseUrl: $BASE
  publicKey: $PUBLIC_KEY
  privateKey: \${BENCH_UCLOUD_PRIVATE_KEY}
  maxConcurrency: $2
state:
  url: jdbc:h2:file:$WORK/state-$1/budgetbot
prices:
  currency: CNY
  models:
    deepseek-ai/DeepSeek-R1: { input: 4, output: 16 }
    deepseek-ai/DeepSeek-V3-0324: { input: 2, output: 8 }
    Qwen/Qwen3-32B: { input: 1, output: 4 }
    moonshotai/Kimi-K2-Instruct: { input: 4, output: 16 }
channels:
  console:
    type: console
rules:
EOF
}

# rule NAME GROUPBY TOKEN_LIMIT COST_LIMIT KEYS MODELS: a day token budget with forecast, a day cost budget
# and day-over-day growth
rule() {
    cat <<EOF
  - name: $1
    keys: [$5]
    models: [$6]
    groupBy: $2
    budgets:
      - metric: tokens
        period: day
        limit: $3
        thresholds: [50%, 80%, 100%]
        forecast: true
        forecastAfter: 10%
      - metric: cost
        period: day
        limit: $4
        thresholds: [80%, 100%]
    growth:
      - metric: tokens
        period: day
        increase: 50%
        minBaseline: 100k
    notify: [console]
EOF
}

for p in 1 8; do
    { header "usage-p$p" "$p"; rule usage series 10M 100 "${KEYS[0]}" "${MODELS[0]}"; } >"$WORK/usage-p$p.yml"
done
{ header small 8; rule small series 2M 20 "${KEYS[0]}" "${MODELS[0]}"; } >"$WORK/small.yml"
{
    header big 8
    # The simulator serves roughly 5M tokens a day per key x model; the limits range from a quarter to four
    # times what a group uses, so some rules fire on the first run and others stay quiet, as in a real install.
    groupings=(series key model all)
    group_size=(1 ${#MODELS[@]} ${#KEYS[@]} $((${#KEYS[@]} * ${#MODELS[@]})))
    factors=(1 2 4 8 16)  # quarters
    for i in $(seq 0 19); do
        g=$((i % 4)) f=${factors[$((i % 5))]}
        rule "big-$((i + 1))" "${groupings[$g]}" "$((5 * group_size[g] * f / 4))M" "$((40 * group_size[g] * f / 4))" \
            "$(join , "${KEYS[@]}")" "$(join , "${MODELS[@]}")"
    done
} >"$WORK/big.yml"

for f in "$WORK"/*.yml; do
    $BB validate --config "$f" >/dev/null || die "invalid generated config $f"
done

# ---------------------------------------------------------------- measuring
RESULTS=$WORK/results.psv
HYPERFINE=
if [[ ${BENCH_NO_HYPERFINE:-} != 1 ]] && command -v hyperfine >/dev/null; then HYPERFINE=hyperfine; fi

# summarize LABEL < seconds, one per line: appends "label|median|mean|min|max|n" in milliseconds
summarize() {
    sort -n | awk -v label="$1" '
        { t[NR] = $1 * 1000; sum += t[NR] }
        END {
            if (NR == 0) exit 1
            med = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            printf "%s|%.0f|%.0f|%.0f|%.0f|%d\n", label, med, sum / NR, t[1], t[NR], NR
        }' >>"$RESULTS"
}

# measure LABEL SETUP PREPARE COMMAND: SETUP runs once, PREPARE before every run; only COMMAND is timed
measure() {
    local label=$1 setup=$2 prepare=$3 cmd=$4
    say "bench: $label"
    if [[ -n $HYPERFINE ]]; then
        timeout "$STEP_TIMEOUT" hyperfine --style basic --runs "$RUNS" --warmup "$WARMUP" \
            --setup "${setup:-true}" --prepare "${prepare:-true}" \
            --export-json "$WORK/last.json" -n "$label" "$cmd" >&2 || die "'$label' failed or timed out"
        # the per-run times, not hyperfine's own summary, so both paths compute the median the same way
        sed -n '/"times"/,/]/p' "$WORK/last.json" | tail -n +2 | grep -oE '[0-9][0-9.eE+-]*' | summarize "$label"
    else
        timeout "$STEP_TIMEOUT" bash -c '
            set -e
            eval "$1"
            for i in $(seq $(($2 + $3))); do
                eval "$4"
                t0=$(date +%s%N); bash -c "$5" >/dev/null 2>&1; t1=$(date +%s%N)
                if ((i > $2)); then echo "$(((t1 - t0) / 1000000))e-3"; fi
            done' _ "${setup:-true}" "$WARMUP" "$RUNS" "${prepare:-true}" "$cmd" >"$WORK/last.times" \
            || die "'$label' failed or timed out"
        summarize "$label" <"$WORK/last.times"
    fi
}

# peak_rss_kb COMMAND...: the child's maximum resident set size in KiB
peak_rss_kb() {
    if [[ -x /usr/bin/time ]]; then
        timeout "$STEP_TIMEOUT" /usr/bin/time -v "$@" 2>"$WORK/time.txt" >/dev/null || die "'$*' failed"
        awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$WORK/time.txt"
    else
        # no GNU time (Debian: apt-get install time): sample the kernel's high-water mark until the process ends
        "$@" >/dev/null 2>&1 &
        local pid=$! hwm=0 v
        while kill -0 "$pid" 2>/dev/null; do
            v=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
            if [[ -n $v ]] && ((v > hwm)); then hwm=$v; fi
            sleep 0.02
        done
        wait "$pid" || die "'$*' failed"
        echo "$hwm"
    fi
}

# measure_rss LABEL PREPARE COMMAND...: appends "label|median|max|n" in MiB
measure_rss() {
    local label=$1 prepare=$2 samples=()
    shift 2
    say "bench: $label"
    for _ in $(seq "$RSS_RUNS"); do
        eval "$prepare"
        samples+=("$(peak_rss_kb "$@")")
    done
    printf '%s\n' "${samples[@]}" | sort -n | awk -v label="$label" '
        { k[NR] = $1 }
        END { med = NR % 2 ? k[(NR + 1) / 2] : (k[NR / 2] + k[NR / 2 + 1]) / 2
              printf "%s|%.0f|%.0f|%d\n", label, med / 1024, k[NR] / 1024, NR }' >>"$WORK/rss.psv"
}

usage_cmd() { echo "$BB usage --config $WORK/usage-p$1.yml --key ${KEYS[0]} --model ${MODELS[0]} --from $2 --to $DAY_END --by day >/dev/null"; }
check_cmd() { echo "$BB check --config $WORK/$1.yml --at $AT >/dev/null"; }
fresh_state() { echo "rm -rf $WORK/state-$1"; }

measure "validate (JVM start + config load)" "" "" "$BB validate --config $WORK/big.yml >/dev/null"
for p in 8 1; do
    measure "usage 1 day, maxConcurrency $p" "" "" "$(usage_cmd "$p" "$DAY_START")"
done
for p in 8 1; do
    measure "usage 31 days, maxConcurrency $p" "" "" "$(usage_cmd "$p" "$MONTH_START")"
done
if ((LATENCY_MS > 0)); then
    for p in 8 1; do
        # 31 day slices, one request each: every request of the run gets the delay
        measure "usage 31 days, maxConcurrency $p, +${LATENCY_MS} ms/request" "" "$(queue_slow 31)" \
            "$(usage_cmd "$p" "$MONTH_START")"
        [[ $(pending_faults) == 0 ]] || die "the latency rows left delays queued: the request count changed?"
    done
fi
for cfg in small big; do
    measure "check $cfg, first run (announces)" "" "$(fresh_state $cfg)" "$(check_cmd $cfg)"
    measure "check $cfg, second run (no change)" "$(fresh_state $cfg); $(check_cmd $cfg)" "" "$(check_cmd $cfg)"
done
if ((LATENCY_MS > 0)); then
    # the steady state of a scheduled install: one check asks once per (window, series) whatever the number of
    # rules sharing it: 20 series x (today, yesterday's same span) = 40 requests
    measure "check big, second run, +${LATENCY_MS} ms/request" "$(fresh_state big); $(check_cmd big)" "$(queue_slow 40)" \
        "$(check_cmd big)"
    [[ $(pending_faults) == 0 ]] || die "the latency rows left delays queued: the request count changed?"
fi
# shellcheck disable=SC2086  # BB is a command line on purpose
measure_rss "check big, first run" "$(fresh_state big)" $BB check --config "$WORK/big.yml" --at "$AT"
# shellcheck disable=SC2086
measure_rss "check big, second run" "" $BB check --config "$WORK/big.yml" --at "$AT"

# what the checks announced, so the table says how much work "announces" was
for cfg in small big; do
    rm -rf "$WORK/state-$cfg"
    for run in first second; do
        $BB check --config "$WORK/$cfg.yml" --at "$AT" >"$WORK/check-$cfg-$run.out" 2>/dev/null || die "$cfg check failed"
    done
done
# counts CFG: "C conditions, F + S notifications" from the summary lines "rule: C conditions, .., N notifications"
counts() {
    awk '/conditions,/ {c += $2} END {printf "%d conditions, ", c}' "$WORK/check-$1-first.out"
    awk '/notifications$/ {n += $(NF - 1)} END {printf "%d", n}' "$WORK/check-$1-first.out"
    awk '/notifications$/ {n += $(NF - 1)} END {printf " + %d notifications", n}' "$WORK/check-$1-second.out"
}

# ---------------------------------------------------------------- report
printf '\nbudgetbot bench, %s, %s cores, load %s, %s%s, timer: %s\n' "$(date -u +%FT%RZ)" "$(nproc)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "$(java -version 2>&1 | head -1)" "${JAVA_OPTS:+ $JAVA_OPTS}" \
    "${HYPERFINE:-bash loop}"
printf 'check --at %s (first + second run): small = 1 rule x 1 series, %s; big = 20 rules x (%d keys x %d models), %s\n\n' \
    "$AT" "$(counts small)" "${#KEYS[@]}" "${#MODELS[@]}" "$(counts big)"
printf '| %-52s | %9s | %9s | %9s | %9s | %4s |\n' "wall time" "median ms" "mean ms" "min ms" "max ms" "runs"
printf '|%s|%s:|%s:|%s:|%s:|%s:|\n' "$(printf -- '-%.0s' {1..54})" "----------" "----------" "----------" "----------" "-----"
while IFS='|' read -r label med mean min max n; do
    printf '| %-52s | %9s | %9s | %9s | %9s | %4s |\n' "$label" "$med" "$mean" "$min" "$max" "$n"
done <"$RESULTS"
printf '\n| %-52s | %10s | %9s | %4s |\n' "peak RSS ($([[ -x /usr/bin/time ]] && echo '/usr/bin/time -v' || echo '/proc VmHWM'))" \
    "median MiB" "max MiB" "runs"
printf '|%s|%s:|%s:|%s:|\n' "$(printf -- '-%.0s' {1..54})" "-----------" "----------" "-----"
while IFS='|' read -r label med max n; do
    printf '| %-52s | %10s | %9s | %4s |\n' "$label" "$med" "$max" "$n"
done <"$WORK/rss.psv"
