#!/usr/bin/env bash
# budgetbot long run: `run` as people deploy it, for 10 minutes over 1,000 key x model series, with everything a
# month in production throws at it compressed: 5 rules on 10-30 s crons, 2 digests, a config edit every minute,
# UCloud slow for one minute and down for another, a Slack webhook that fails 10% of posts, and two kill -9 with
# restarts. Not run in CI (issue 18, item 10). What it prints and how to read it: bench/README.md, "Long run".
#
#   bash bench/longrun.sh
#
# Knobs (environment):
#   LONGRUN_SECONDS=600   how long it runs (the events below are placed in tenths of it)
#   LONGRUN_FAIL=10       percent of Slack posts that fail (half 500, half 429 with Retry-After: 1)
#   LONGRUN_JAVA_OPTS="-Xmx512m"   JVM options of `run` (the documented heap bound: 75% of the kit's 768 MB container is 576 MB)
#   LONGRUN_KEEP=1        keep the temp dir (config, logs, state, what Slack received)
# Needs java 17 (jcmd and jstat from the JDK), python3, curl.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/target/budgetbot.jar
DURATION=${LONGRUN_SECONDS:-600}
FAIL=${LONGRUN_FAIL:-10}
JAVA_OPTS=${LONGRUN_JAVA_OPTS:--Xmx512m}
KEYS=250
MODELS=(deepseek-ai/DeepSeek-R1 deepseek-ai/DeepSeek-V3-0324 Qwen/Qwen3-32B moonshotai/Kimi-K2-Instruct)

say() { printf 'longrun: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
for tool in java jcmd jstat python3 curl; do
    command -v "$tool" >/dev/null || die "needs $tool"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/budgetbot-longrun.XXXXXX")
SIM_PID= SLACK_PID= RUN_PID= PROBE_PID= EDIT_PID=
cleanup() {
    stop "$PROBE_PID" "$EDIT_PID" "$RUN_PID" "$SLACK_PID" "$SIM_PID"
    if [[ ${LONGRUN_KEEP:-} == 1 ]]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT

build_jar_if_stale "$ROOT"


# ---------------------------------------------------------------- the simulator and Slack
models_csv=$(IFS=,; echo "${MODELS[*]}")
start_simulator "$WORK" --synthetic-keys "$KEYS" --models "$models_csv"
python3 "$ROOT/bench/flaky_slack.py" "$WORK/received.jsonl" "0.$(printf '%02d' "$FAIL")" 18 >"$WORK/slack.out" &
SLACK_PID=$!
SLACK=http://127.0.0.1:$(await_line "$WORK/slack.out" '^READY' "$SLACK_PID" | awk '{print $2}')
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "simulator at $BASE, flaky Slack at $SLACK, ops at :$PORT, work in $WORK"

# ---------------------------------------------------------------- the configuration
# local noon whenever it runs: every series has usage today, and no day ends during the run
offset=$(( 12 - 10#$(date -u +%H) ))
keys=$(seq -f 'uminferapikey-sim-%05g' 1 "$KEYS" | paste -sd, - | sed 's/,/, /g')
models=$(printf '%s, ' "${MODELS[@]}"); models=${models%, }
# write_config N: the config of edit N (the daily limit of one rule changes with N, so that every edit reloads)
write_config() {
    cat >"$WORK/rules.yml.tmp" <<YAML
# edit $1
timezone: "$(printf '%+03d:00' "$offset")"
ucloud:
  baseUrl: $BASE
  publicKey: $PUBLIC_KEY
  privateKey: "$PRIVATE_KEY"
state:
  url: "jdbc:h2:file:$WORK/state/budgetbot"
  retention: 1d
server:
  listen: "127.0.0.1:$PORT"
prices:
  currency: CNY
  models:
$(printf '    %s: { input: 2, output: 8 }\n' "${MODELS[@]}")
channels:
  slack: { type: slack, webhookUrl: "$SLACK/hook" }
rules:
  - name: project-day
    schedule: "*/10 * * * * ?"
    keys: [$keys]
    models: [$models]
    budgets:
      - { metric: tokens, period: day, limit: $(( 1 + $1 % 2 )), thresholds: [100%] }
    repeat: 1m
    notify: [slack]
  - name: model-day
    schedule: "*/15 * * * * ?"
    keys: [$keys]
    models: [$models]
    groupBy: model
    budgets:
      - { metric: cost, period: day, limit: 1, thresholds: [100%] }
    repeat: 2m
    notify: [slack]
  - name: model-month
    schedule: "*/20 * * * * ?"
    keys: [$keys]
    models: [$models]
    groupBy: model
    budgets:
      - { metric: requests, period: month, limit: 1, thresholds: [100%] }
    repeat: 3m
    notify: [slack]
  - name: growth
    schedule: "*/30 * * * * ?"
    keys: [$keys]
    models: [$models]
    growth:
      - { metric: tokens, period: day, increase: 1% }
    repeat: 2m
    notify: [slack]
  - name: per-key
    schedule: "*/30 * * * * ?"
    keys: [$keys]
    models: [$models]
    groupBy: key
    budgets:
      - { metric: tokens, period: month, limit: 1000000000000000, thresholds: [100%] }
    notify: [slack]
digests:
  - { name: daily, schedule: "0 */2 * * * ?", period: day, rules: [project-day], notify: [slack] }
  - { name: weekly, schedule: "30 */3 * * * ?", period: week, rules: [model-day], notify: [slack] }
YAML
    mv "$WORK/rules.yml.tmp" "$WORK/rules.yml"
}
write_config 0
java -jar "$JAR" validate --config "$WORK/rules.yml" >"$WORK/validate.out" 2>&1 || die "invalid config: $(cat "$WORK/validate.out")"

# ---------------------------------------------------------------- measuring
# heap used after a full GC (KiB), RSS (KiB) of PID
sample() {
    local pid=$1 heap
    jcmd "$pid" GC.run >/dev/null 2>&1 || { echo "- -"; return; }
    heap=$(jstat -gc "$pid" 2>/dev/null | awk 'NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i}
        NR == 2 {printf "%.0f", $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]}')
    echo "${heap:--} $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo -)"
}
start_run() {
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$JAR" run --config "$WORK/rules.yml" --reload-interval 5 >>"$WORK/run.out" 2>>"$WORK/run.log" &
    RUN_PID=$!
    echo "$RUN_PID" >"$WORK/run.pid"
}
db_kib() { du -sk "$WORK/state" | awk '{print $1}'; }

# /healthz every half second whatever happens: its latency (a refused connection while the process is down is
# counted apart, not as latency)
(
    while true; do
        t=$(curl -s -o /dev/null -m 10 -w '%{http_code} %{time_total}' "http://127.0.0.1:$PORT/healthz" || true)
        echo "$(date +%s.%N) $t" >>"$WORK/healthz.log"
        sleep 0.5
    done
) &
PROBE_PID=$!

# ---------------------------------------------------------------- the run
START=$(date +%s)
start_run
await_line "$WORK/run.log" 'scheduler started' "$RUN_PID" >/dev/null
at() { echo $(( START + DURATION * $1 / 10 )); }   # the moment of tenth N
wait_until() { while (( $(date +%s) < $1 )); do sleep 1; done; }

# a config edit every minute
(
    n=1
    while true; do sleep 60; write_config "$n"; n=$(( n + 1 )); done
) &
EDIT_PID=$!

# faults: top the simulator's queue up to 40 pending faults of KIND every second until the moment UNTIL
fault_window() {
    local kind=$1 until=$2 extra=$3
    while (( $(date +%s) < until )); do
        pending=$(curl -sf -X POST "${BASE}_sim/faults?kind=$kind&count=0" | json_field pending || echo 40)
        if (( pending < 40 )); then
            curl -sf -X POST "${BASE}_sim/faults?kind=$kind&count=$(( 40 - pending ))$extra" >/dev/null || true
        fi
        sleep 1
    done
}

echo "t_s heap_kib rss_kib db_kib sim_requests sim_usage" >"$WORK/samples.txt"
take_sample() {
    local pid s
    pid=$(cat "$WORK/run.pid")
    s=$(curl -sf "${BASE}_sim/stats" || echo '{"requests": 0, "tokenUsage": 0}')
    echo "$(( $(date +%s) - START )) $(sample "$pid") $(db_kib) $(json_field requests <<<"$s") $(json_field tokenUsage <<<"$s")" >>"$WORK/samples.txt"
}

# the script of the run, in tenths of LONGRUN_SECONDS:
#   1: first sample; 2: kill -9 and restart; 3-4: UCloud slow (5 s answers); 5-6: UCloud down (HTTP 503);
#   7: kill -9 and restart; every tenth: a sample
wait_until "$(at 1)"; take_sample
wait_until "$(at 2)"; take_sample
say "kill -9 at $(( $(date +%s) - START )) s"; kill -9 "$RUN_PID"; wait "$RUN_PID" 2>/dev/null || true
echo "$(date +%s) kill" >>"$WORK/events.txt"; start_run
wait_until "$(at 3)"; take_sample
say "UCloud slow from $(( $(date +%s) - START )) s"; fault_window slow "$(at 4)" "&delayMs=5000"; take_sample
say "UCloud down from $(( $(date +%s) - START )) s"; fault_window http503 "$(at 6)" ""; take_sample
wait_until "$(at 7)"
say "kill -9 at $(( $(date +%s) - START )) s"; kill -9 "$RUN_PID"; wait "$RUN_PID" 2>/dev/null || true
echo "$(date +%s) kill" >>"$WORK/events.txt"; start_run
wait_until "$(at 8)"; take_sample
wait_until "$(at 9)"; take_sample
wait_until "$(at 10)"; take_sample

# Slack heals, `run` stops as a service manager stops it, then a check delivers what still waits for a retry
stop "$EDIT_PID" "$PROBE_PID"; EDIT_PID= PROBE_PID=
curl -sf -X POST "$SLACK/_flaky?rate=0" >/dev/null
stop "$RUN_PID"; RUN_PID=
RAN=$(( $(date +%s) - START ))
java -jar "$JAR" check --config "$WORK/rules.yml" >"$WORK/flush.out" 2>"$WORK/flush.log" || true
slack_counts=$(curl -sf "$SLACK/_flaky")

# ---------------------------------------------------------------- the count
java -cp "$JAR" org.h2.tools.Shell -url "jdbc:h2:file:$WORK/state/budgetbot" -user "" -password "" -sql \
    "CALL CSVWRITE('$WORK/outbox.csv', 'SELECT o.id, o.attempts, o.sent_at, m.message AS message
         FROM outbox o LEFT JOIN outbox_message m ON m.id = o.message_id
         WHERE NOT (o.attempts = 0 AND o.sent_at IS NOT NULL) ORDER BY o.id');" >/dev/null
python3 - "$WORK" "$RAN" "$DURATION" "$slack_counts" "$START" <<'PY'
import collections, csv, json, re, sys
work, ran, duration, slack, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4]), float(sys.argv[5])
csv.field_size_limit(1 << 30)
rows = list(csv.DictReader(open(work + "/outbox.csv", encoding="utf-8")))
expected = collections.Counter(json.loads(r["MESSAGE"])["text"] for r in rows)
received = collections.Counter(json.loads(l)["text"] for l in open(work + "/received.jsonl", encoding="utf-8"))
missing = sum((expected - received).values())
duplicates = sum((received - expected).values())
pending = sum(1 for r in rows if not r["SENT_AT"])
kills = [float(l.split()[0]) for l in open(work + "/events.txt")]

# /healthz: latency of every answer; while the process was down (kill -9 to its server's start) nothing answers
lat, down, codes = [], 0, collections.Counter()
for line in open(work + "/healthz.log"):
    parts = line.split()
    if len(parts) < 3:
        continue
    t, code, took = float(parts[0]), parts[1], float(parts[2])
    if code == "000":
        down += 1
        continue
    codes[code] += 1
    lat.append((took, t - start))
lat.sort()
worst = lat[-1] if lat else (0, 0)
p99 = lat[int(len(lat) * 0.99) - 1][0] if lat else 0

# usage requests per 10 s cycle, from the bot's own log lines ("unsettled usage: N requests to UCloud, ...") and
# from the simulator's counters between samples
log = open(work + "/run.log", encoding="utf-8", errors="replace").read()
samples = [l.split() for l in open(work + "/samples.txt")][1:]
print("| what | value |")
print("|---|---|")
print(f"| `run` | {duration} s ({ran} s until stopped), 1,000 series, 5 rules (10, 15, 20, 30, 30 s), 2 digests |")
print(f"| kill -9 and restarts | {len(kills)} |")
print(f"| config edits reloaded (log lines) | {log.count('reloaded')} |")
print(f"| /healthz answers / refused while down | {len(lat):,} / {down:,} (codes: {dict(codes)}) |")
print(f"| **worst /healthz latency** | **{worst[0] * 1000:.0f} ms** (at {worst[1]:.0f} s; p99 {p99 * 1000:.0f} ms) |")
prev = None
print("| samples: t s / heap after GC MiB / RSS MiB / H2 files MiB / usage requests per 10 s since the last sample | " +
      "; ".join(f"{s[0]} / {int(s[1]) / 1024:.0f} / {int(s[2]) / 1024:.0f} / {int(s[3]) / 1024:.1f}"
                + (f" / {(int(s[5]) - int(prev[5])) * 10 / max(int(s[0]) - int(prev[0]), 1):,.0f}" if prev and s[5].isdigit() and prev[5].isdigit() else "")
                for s, prev in ((s, samples[i - 1] if i else None) for i, s in enumerate(samples)) if s[1] != "-") + " |")
print(f"| Slack posts / failed (500, 429) | {slack['ok'] + slack['failed500'] + slack['failed429']:,} / {slack['failed500'] + slack['failed429']:,} |")
print(f"| messages queued (outbox) / delivered | {len(rows):,} / {len(rows) - missing:,} (still pending {pending}) |")
print(f"| **lost / duplicated** | **{missing} / {duplicates}** (allowed: 0 / {len(kills)}, one per channel per crash) |")
sys.exit(0 if missing == 0 and pending == 0 and duplicates <= len(kills) else 1)
PY
