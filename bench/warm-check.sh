#!/usr/bin/env bash
# A one-shot `check` of 200 key x model series with nothing left to fetch but today so far (the usage cache warm,
# the key listing remembered), against the curl + jq loop over the same series, as issue 18 asks: the check should
# be at least 1.5x faster. Also prints how the check's time splits (from its "took" log line, cli.Phases).
#
#   bash bench/warm-check.sh          # 5 runs of each; BENCH_RUNS=N for another count
#
# Needs target/budgetbot.jar (mvn -q -DskipTests package), curl, jq. Prints a markdown table on stdout.
set -euo pipefail
die() { echo "warm-check.sh: $*" >&2; exit 1; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/target/budgetbot.jar
RUNS=${BENCH_RUNS:-5}
JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto}
[[ -f $JAR ]] || die "build the jar first: mvn -q -DskipTests package"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
WORK=$(mktemp -d)
trap 'stop "${SIM_PID:-}"; rm -rf "$WORK"' EXIT

MODELS="deepseek-ai/DeepSeek-R1,deepseek-ai/DeepSeek-V3-0324,Qwen/Qwen3-32B,moonshotai/Kimi-K2-Instruct"
start_simulator "$WORK" --synthetic-keys 50 --models "$MODELS" --max-window-days 31
keys=$(seq -f 'uminferapikey-sim-%05g' 1 50 | paste -sd, -)
seq -f 'uminferapikey-sim-%05g' 1 50 >"$WORK/keys.txt"
tr , '\n' <<<"$MODELS" >"$WORK/models.txt"
cat >"$WORK/rules.yml" <<YAML
timezone: Asia/Shanghai
ucloud: { baseUrl: "$BASE", publicKey: "$PUBLIC_KEY", privateKey: "\${BENCH_UCLOUD_PRIVATE_KEY}" }
state: { url: "jdbc:h2:file:$WORK/state/budgetbot" }
channels: { ops: { type: console } }
rules:
  - name: month
    keys: [$keys]
    models: [$(tr '\n' , <"$WORK/models.txt" | sed 's/,$//')]
    groupBy: key
    budgets: [{ metric: tokens, period: month, limit: 1000G }]
    notify: [ops]
YAML
export BENCH_UCLOUD_PRIVATE_KEY=$PRIVATE_KEY
check() {
    java $JAVA_OPTS -jar "$JAR" check --config "$WORK/rules.yml" >"$WORK/check.out" 2>"$WORK/check.err"
    cat "$WORK/check.err" >>"$WORK/checks.log"
}
check || die "the first (cold) check failed: $(tail -5 "$WORK/check.err")"

now=$(date +%s)
month_start=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-01)" +%s)
time_of() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
checks=() loops=()
for _ in $(seq "$RUNS"); do
    checks+=("$(time_of check)")
    loops+=("$(time_of bash "$ROOT/bench/curl-loop.sh" "$BASE" "$PUBLIC_KEY" "$WORK/keys.txt" "$WORK/models.txt" \
        "$month_start" "$now")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mc=$(median "${checks[@]}") ml=$(median "${loops[@]}")
echo "| what ($RUNS runs, median) | wall s |"
echo "|---|---:|"
echo "| warm \`check\`, 200 series | $mc |"
echo "| curl + jq loop, 200 series | $ml |"
echo "| speed-up | $(echo "scale=2; $ml / $mc" | bc) |"
echo
# where a warm check's time went: its own "took" line (cli.Phases) and the fetcher's line, medians of the warm runs
python3 - "$WORK/checks.log" "$RUNS" <<'PY'
import re, statistics, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
took = [l for l in lines if "b.cli.Phases - took" in l][1:]          # the first is the cold check
fetch = [l for l in lines if "b.fetch.UsageFetcher - usage of" in l][1:]
phases = {}
for l in took:
    for name, ms in re.findall(r"(?:^|, )([a-zA-Z ]+?) (\d+) ms", l.split(" ms: ", 1)[1]):
        phases.setdefault(name, []).append(int(ms))
cache = [int(re.search(r"from the cache in (\d+) ms", l).group(1)) for l in fetch]
requests = [int(re.search(r"open ranges\) in (\d+) ms", l).group(1)) for l in fetch]
total = [int(re.search(r"took (\d+) ms", l).group(1)) for l in took]
med = lambda xs: int(statistics.median(xs)) if xs else 0
print(f"| phase of the warm check ({len(took)} runs, median) | ms |")
print("|---|---:|")
for name, ms in phases.items():
    if name == "usage and evaluation":
        print(f"| usage: settled days from the cache | {med(cache)} |")
        print(f"| usage: today so far from UCloud (200 requests) | {med(requests)} |")
        print(f"| evaluation, state and the rest of the check | {med(ms) - med(cache) - med(requests)} |")
    else:
        print(f"| {name} | {med(ms)} |")
print(f"| **total, JVM start to exit** | **{med(total)}** |")
PY
