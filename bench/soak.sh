#!/usr/bin/env bash
# budgetbot soak: `run` over 200 key x model series, checked every 10 s, for about 3 minutes while the simulator
# fails 20% of UCloud requests and the Slack webhook fails 20% of posts; then every alert queued must have arrived,
# once. Not run in CI. What it prints and how to read it: RELIABILITY.md, "The soak".
#
#   bash bench/soak.sh
#
# Knobs (environment):
#   SOAK_SECONDS=180      how long `run` runs with faults
#   SOAK_FAIL=20          percent of UCloud requests and of Slack posts that fail
#   SOAK_WARMUP=30        seconds after the start at which heap and threads are taken the first time
#   SOAK_JAVA_OPTS=""     JVM options of `run`, e.g. "-Xmx256m"
#   SOAK_KEEP=1           keep the temp dir (config, logs, state, what Slack received)
# Needs java 17 (jcmd and jstat from the JDK), python3, curl.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/target/budgetbot.jar
SECONDS_WITH_FAULTS=${SOAK_SECONDS:-180}
FAIL=${SOAK_FAIL:-20}
WARMUP=${SOAK_WARMUP:-30}
JAVA_OPTS=${SOAK_JAVA_OPTS:-}
KEYS=50
MODELS=(deepseek-ai/DeepSeek-R1 deepseek-ai/DeepSeek-V3-0324 Qwen/Qwen3-32B moonshotai/Kimi-K2-Instruct)
FAULT_KINDS=(http500 ret153 http503)

say() { printf 'soak: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
for tool in java jcmd jstat python3 curl; do
    command -v "$tool" >/dev/null || die "needs $tool"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/budgetbot-soak.XXXXXX")
SIM_PID= SLACK_PID= RUN_PID= FAULTS_PID=
cleanup() {
    stop "$FAULTS_PID" "$RUN_PID" "$SLACK_PID" "$SIM_PID"
    if [[ ${SOAK_KEEP:-} == 1 ]]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT

build_jar_if_stale "$ROOT"


# ---------------------------------------------------------------- the simulator and Slack
models_csv=$(IFS=,; echo "${MODELS[*]}")
start_simulator "$WORK" --synthetic-keys "$KEYS" --models "$models_csv"
python3 "$ROOT/bench/flaky_slack.py" "$WORK/received.jsonl" "0.$(printf '%02d' "$FAIL")" 12 >"$WORK/slack.out" &
SLACK_PID=$!
SLACK=http://127.0.0.1:$(await_line "$WORK/slack.out" '^READY' "$SLACK_PID" | awk '{print $2}')
say "simulator at $BASE, flaky Slack at $SLACK, work in $WORK"

# ---------------------------------------------------------------- the configuration
# local noon, whenever it runs: every series has used tokens today, and the day does not end during the soak
offset=$(( 12 - 10#$(date -u +%H) ))
keys=$(seq -f 'uminferapikey-sim-%05g' 1 "$KEYS" | paste -sd, - | sed 's/,/, /g')
models=$(printf '%s, ' "${MODELS[@]}"); models=${models%, }
cat >"$WORK/rules.yml" <<YAML
timezone: "$(printf '%+03d:00' "$offset")"
ucloud:
  baseUrl: $BASE
  publicKey: $PUBLIC_KEY
  privateKey: "$PRIVATE_KEY"
state:
  url: "jdbc:h2:file:$WORK/state/budgetbot"
channels:
  slack: { type: slack, webhookUrl: "$SLACK/hook" }
rules:
  - name: soak
    schedule: "*/10 * * * * ?"
    keys: [$keys]
    models: [$models]
    groupBy: series
    budgets:
      - { metric: tokens, period: day, limit: 1, thresholds: [100%] }
    repeat: 30s                      # each series again every 30 s: a steady stream of alerts
    notify: [slack]
YAML

# ---------------------------------------------------------------- measuring helpers
# heap used after a full GC (KiB, from jstat) and live threads of PID
sample() {
    local pid=$1
    jcmd "$pid" GC.run >/dev/null
    local heap
    heap=$(jstat -gc "$pid" | awk 'NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i}
        NR == 2 {printf "%.0f", $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]}')
    echo "$heap $(awk '/^Threads:/ {print $2}' "/proc/$pid/status") $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")"
}

# ---------------------------------------------------------------- the soak
java $JAVA_OPTS -jar "$JAR" run --config "$WORK/rules.yml" --outbox-interval 2 --reload-interval 0 \
    >"$WORK/run.out" 2>"$WORK/run.log" &
RUN_PID=$!
START=$(date +%s)
await_line "$WORK/run.log" 'scheduler started' "$RUN_PID" >/dev/null

# keep the simulator's queue of faults at FAIL% of every request it has served, rotating the kinds
(
    queued=0 n=0
    while true; do
        served=$(curl -sf "${BASE}_sim/stats" | json_field requests) || exit 0
        want=$(( served * FAIL / 100 + 1 ))
        if (( want > queued )); then
            kind=${FAULT_KINDS[$(( n++ % ${#FAULT_KINDS[@]} ))]}
            curl -sf -X POST "${BASE}_sim/faults?kind=$kind&count=$(( want - queued ))" >/dev/null || exit 0
            queued=$want
            echo "$queued" >"$WORK/faults.queued"
        fi
        sleep 1
    done
) &
FAULTS_PID=$!

sleep "$WARMUP"
kill -0 "$RUN_PID" 2>/dev/null || die "run died; see $WORK/run.log"
read -r HEAP_BEFORE THREADS_BEFORE RSS_BEFORE < <(sample "$RUN_PID")
say "after ${WARMUP}s: heap ${HEAP_BEFORE} KiB, ${THREADS_BEFORE} threads"
sleep $(( SECONDS_WITH_FAULTS - WARMUP ))
kill -0 "$RUN_PID" 2>/dev/null || die "run died; see $WORK/run.log"
read -r HEAP_AFTER THREADS_AFTER RSS_AFTER < <(sample "$RUN_PID")
say "after ${SECONDS_WITH_FAULTS}s: heap ${HEAP_AFTER} KiB, ${THREADS_AFTER} threads"

# faults off, run stopped as a service manager would (SIGTERM), then one check delivers what still waits for a
# retry
stop "$FAULTS_PID"; FAULTS_PID=
pending_faults=$(curl -sf -X POST "${BASE}_sim/faults?kind=http500&count=0" | json_field pending)
stats=$(curl -sf "${BASE}_sim/stats")
curl -sf -X POST "$SLACK/_flaky?rate=0" >/dev/null
stop "$RUN_PID"; RUN_PID=
RAN=$(( $(date +%s) - START ))
BY_RUN=$(wc -l <"$WORK/received.jsonl")
java -jar "$JAR" check --config "$WORK/rules.yml" >"$WORK/flush.out" 2>"$WORK/flush.log" || true
slack_counts=$(curl -sf "$SLACK/_flaky")

# ---------------------------------------------------------------- the count
# one row per message and channel: bodies live in outbox_message since schema 5, and an alert merged into another's
# message keeps its dedup key in a row recorded as done without a send (no attempt)
java -cp "$JAR" org.h2.tools.Shell -url "jdbc:h2:file:$WORK/state/budgetbot" -user "" -password "" -sql \
    "CALL CSVWRITE('$WORK/outbox.csv', 'SELECT o.id, o.attempts, o.sent_at, COALESCE(o.message, m.message) AS message
         FROM outbox o LEFT JOIN outbox_message m ON m.id = o.message_id
         WHERE NOT (o.attempts = 0 AND o.sent_at IS NOT NULL) ORDER BY o.id');
     CALL CSVWRITE('$WORK/events.csv', 'SELECT COUNT(*) AS n FROM alert_events');" >/dev/null
python3 - "$WORK" "$RAN" "$FAIL" "$(cat "$WORK/faults.queued" 2>/dev/null || echo 0)" "$pending_faults" "$stats" \
    "$slack_counts" "$HEAP_BEFORE" "$THREADS_BEFORE" "$RSS_BEFORE" "$HEAP_AFTER" "$THREADS_AFTER" "$RSS_AFTER" \
    "$WARMUP" "$SECONDS_WITH_FAULTS" "$BY_RUN" <<'PY'
import collections, csv, json, sys
(work, ran, fail, queued, pending_faults, stats, slack, heap0, threads0, rss0, heap1, threads1, rss1,
 warmup, soak, by_run) = sys.argv[1:]
csv.field_size_limit(1 << 30)
rows = list(csv.DictReader(open(work + "/outbox.csv", encoding="utf-8")))
events = int(next(csv.DictReader(open(work + "/events.csv")))["N"])
expected = collections.Counter(json.loads(r["MESSAGE"])["text"] for r in rows)
received = collections.Counter(json.loads(l)["text"] for l in open(work + "/received.jsonl", encoding="utf-8"))
missing = sum((expected - received).values())
duplicates = sum((received - expected).values())
pending = sum(1 for r in rows if not r["SENT_AT"])
retried = sum(1 for r in rows if int(r["ATTEMPTS"]) > 1)
stats, slack = json.loads(stats), json.loads(slack)
played = int(queued) - int(pending_faults)
posts = slack["ok"] + slack["failed500"] + slack["failed429"]
run_log = open(work + "/run.log", encoding="utf-8").read()
failed_checks = run_log.count("usage could not be fetched")
checks = run_log.count("check soak at")
flush = open(work + "/flush.out", encoding="utf-8").read().strip().splitlines()
print("| what | value |")
print("|---|---|")
print(f"| `run` with faults | {soak} s ({ran} s until stopped), 200 series every 10 s |")
print(f"| UCloud requests served / failed by the simulator | {stats['requests']:,} / {played:,} ({100 * played / max(stats['requests'], 1):.1f}%) |")
print(f"| checks / checks with a series that failed for good | {checks} / {failed_checks} |")
print(f"| Slack posts / failed (500, 429) | {posts:,} / {slack['failed500'] + slack['failed429']:,} ({slack['failed500']:,}, {slack['failed429']:,}) |")
print(f"| alerts announced (alert log) / queued (outbox) | {events:,} / {len(rows):,} |")
print(f"| delivered by `run` / by the `check` after it | {int(by_run):,} / {sum(received.values()) - int(by_run):,} (its last line: {flush[-1] if flush else '-'}) |")
print(f"| **expected vs delivered** | **{len(rows):,} vs {len(rows) - missing:,}** (missing {missing}, still pending {pending}) |")
print(f"| **duplicates** | **{duplicates}** |")
print(f"| entries that needed more than one attempt | {retried:,} |")
print(f"| heap after full GC at {warmup} s / at {soak} s | {int(heap0) / 1024:.1f} MiB / {int(heap1) / 1024:.1f} MiB |")
print(f"| threads at {warmup} s / at {soak} s | {threads0} / {threads1} |")
print(f"| RSS at {warmup} s / at {soak} s | {int(rss0) / 1024:.0f} MiB / {int(rss1) / 1024:.0f} MiB |")
sys.exit(0 if missing == 0 and duplicates == 0 and pending == 0 and events == len(rows) else 1)
PY
