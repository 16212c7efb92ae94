#!/usr/bin/env bash
# budgetbot backtest speed: 30 days at 5-minute steps (8,641 checks per rule) over 100 key x model series
# (25 synthetic keys x 4 models on the simulator), three rules: a daily token budget per key with forecast,
# a monthly cost budget and daily growth per model. What and how: bench/README.md#backtest.
#
#   bash bench/backtest.sh
#
# Rows: the first run (cold: settled days fetched and kept in the usage cache), the same run again (warm, the
# figure the issue asks for: "in seconds once cached"), one rule alone, and a window ending now (its last day is
# not settled, so its steps ask UCloud as check would). Prints a markdown table (progress on stderr) and appends it,
# with the machine, to bench/RESULTS.md (BENCH_RESULTS=- to skip).
# Knobs (environment): BENCH_JAVA_OPTS="" (JVM options of the measured runs), BENCH_KEEP=1 (keep the temp dir).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/target/budgetbot.jar
RESULTS_FILE=${BENCH_RESULTS:-$ROOT/bench/RESULTS.md}
JAVA_OPTS=${BENCH_JAVA_OPTS:-}
ZONE=Asia/Shanghai
MODELS=deepseek-ai/DeepSeek-R1,deepseek-ai/DeepSeek-V3-0324,Qwen/Qwen3-32B,moonshotai/Kimi-K2-Instruct

say() { printf 'backtest-bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
for tool in java curl jq awk; do
    command -v "$tool" >/dev/null || die "needs $tool (Debian: apt-get install curl jq gawk)"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/budgetbot-backtest.XXXXXX")
SIM_PID=
cleanup() {
    stop "$SIM_PID"
    if [[ ${BENCH_KEEP:-} == 1 ]]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

if [[ ! -f $JAR ]]; then
    say "building $JAR"
    (cd "$ROOT" && mvn -B -q -DskipTests package) || die "build failed"
fi

start_simulator "$WORK" --synthetic-keys 25 --models "$MODELS" --max-window-days 31

cat >"$WORK/rules.yml" <<EOF
timezone: $ZONE
ucloud:
  baseUrl: $BASE
  publicKey: $PUBLIC_KEY
  privateKey: "$PRIVATE_KEY"
state:
  url: "jdbc:h2:file:$WORK/state/budgetbot"
prices:
  currency: CNY
  models:
    deepseek-ai/DeepSeek-R1: { input: 4, output: 16 }
    deepseek-ai/DeepSeek-V3-0324: { input: 2, output: 8 }
    Qwen/Qwen3-32B: { input: 2, output: 6 }
    moonshotai/Kimi-K2-Instruct: { input: 4, output: 16 }
channels:
  team-slack: { type: console }
rules:
  - name: per-key-daily
    keys: "*"
    models: "*"
    groupBy: key
    budgets:
      - { metric: tokens, period: day, limit: 20M, thresholds: [50%, 80%, 100%], forecast: true }
    notify: [team-slack]
  - name: monthly-spend
    keys: "*"
    models: "*"
    budgets:
      - { metric: cost, period: month, limit: 500000, thresholds: [50%, 80%, 100%] }
    notify: [team-slack]
  - name: model-growth
    keys: "*"
    models: "*"
    groupBy: model
    growth:
      - { metric: tokens, period: day, increase: 50%, minBaseline: 100k }
    notify: [team-slack]
EOF

# a settled window: it ends at the start of yesterday (local), so every day of it has settled
TO=$(TZ=$ZONE date -d 'yesterday 00:00' +%Y-%m-%dT%H:%M)
FROM=$(TZ=$ZONE date -d 'yesterday 00:00 30 days ago' +%Y-%m-%dT%H:%M)
NOW_FROM=$(TZ=$ZONE date -d '30 days ago' +%Y-%m-%dT%H:%M)
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)

calls() { curl -sf "${BASE}_sim/stats" | jq -r '.tokenUsage'; }

# one measured backtest: label, then backtest arguments; prints a table row
row() {
    local label=$1; shift
    local before after start end rss
    before=$(calls)
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    /usr/bin/env time -f '%M' -o "$WORK/rss" java $JAVA_OPTS -jar "$JAR" backtest --config "$WORK/rules.yml" \
        --format json "$@" >"$WORK/out.json" 2>"$WORK/err.txt" || die "backtest $* failed: $(tail -3 "$WORK/err.txt")"
    end=$(date +%s.%N)
    after=$(calls)
    rss=$(awk '{printf "%.0f MB", $1 / 1024}' "$WORK/rss")
    printf '| %s | %s | %s | %s | %s | %.1f s | %s |\n' "$label" \
        "$(jq -r '.rules | length' "$WORK/out.json")" "$(jq -r '.checks' "$WORK/out.json")" \
        "$(jq -r '.timeline | length' "$WORK/out.json")" "$((after - before))" "$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')" "$rss"
    say "$label done"
}

/usr/bin/env time -f '%M' true 2>/dev/null || die "needs GNU time (apt-get install time)"

{
    echo "## Backtest, $(date -u +%Y-%m-%d) ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"
    echo
    printf -- '- machine: %s cores (%s), %s RAM, %s; load %s before\n' "$(nproc)" \
        "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)" \
        "$(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo)" \
        "$(java -version 2>&1 | head -1)" "$LOAD_BEFORE"
    echo "- 100 series (25 keys x 4 models), 5-minute steps; window $FROM .. $TO ($ZONE) unless said; wall time of the"
    echo "  whole command (JVM start included); calls = GetUMInferTokenUsage requests the simulator answered"
    echo
    echo '| run | rules | checks per rule | notifications | calls | wall | peak RSS |'
    echo '|---|---:|---:|---:|---:|---:|---:|'
    row "cold (empty usage cache)" --from "$FROM" --to "$TO"
    row "warm" --from "$FROM" --to "$TO"
    row "warm, again" --from "$FROM" --to "$TO"
    row "warm, one rule (per-key-daily)" --from "$FROM" --to "$TO" --rule per-key-daily
    row "30 days up to now (last day unsettled)" --from "$NOW_FROM" --to now
} | tee "$WORK/report.md"

if [[ $RESULTS_FILE != - ]]; then
    { echo; cat "$WORK/report.md"; } >>"$RESULTS_FILE"
    say "appended to $RESULTS_FILE"
fi
