# Sourced by the bench scripts, which define die (print and exit 1) and JAR first.

# stop PID...: SIGTERM each process that still runs, then wait for it
stop() {
    for pid in "$@"; do
        if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    done
}

# start_simulator DIR ARGS...: `budgetbot simulator --port 0 ARGS` in the background, its output in
# DIR/simulator.out and DIR/simulator.log; sets SIM_PID, and BASE, PUBLIC_KEY and PRIVATE_KEY from the ucloud:
# block it prints (the simulator's demo key pair). Dies when it does not start within 60 s.
start_simulator() {
    local dir=$1
    shift
    java -jar "$JAR" simulator --port 0 "$@" >"$dir/simulator.out" 2>"$dir/simulator.log" &
    SIM_PID=$!
    for _ in $(seq 600); do
        grep -q '^Ctrl-C' "$dir/simulator.out" 2>/dev/null && break
        kill -0 "$SIM_PID" 2>/dev/null || die "simulator exited: $(tail -5 "$dir/simulator.log")"
        sleep 0.1
    done
    grep -q '^Ctrl-C' "$dir/simulator.out" || die "simulator did not start within 60 s"
    BASE=$(awk '$1 == "baseUrl:" {print $2}' "$dir/simulator.out")
    PUBLIC_KEY=$(awk '$1 == "publicKey:" {print $2}' "$dir/simulator.out")
    PRIVATE_KEY=$(awk '$1 == "privateKey:" {print $2}' "$dir/simulator.out")
    [[ $BASE == http://127.0.0.1:* ]] || die "unexpected simulator address '$BASE'"
}

# build_jar_if_stale ROOT: builds JAR (offline) when it is missing or a source is newer, so a benchmark measures the
# code as it is
build_jar_if_stale() {
    local root=$1
    if [[ ! -f $JAR || -n $(find "$root/src/main" "$root/pom.xml" -newer "$JAR" -print -quit) ]]; then
        printf 'building %s\n' "$JAR" >&2
        (cd "$root" && mvn -B -q -o -DskipTests package >&2) || die "build failed"
    fi
}

# await_line FILE PATTERN PID: prints the first line of FILE matching PATTERN, waiting up to 90 s for it while PID
# runs
await_line() {
    local file=$1 pattern=$2 pid=$3
    for _ in $(seq 900); do
        if grep -m1 -E "$pattern" "$file" 2>/dev/null; then return 0; fi
        kill -0 "$pid" 2>/dev/null || die "process $pid ended; see $file"
        sleep 0.1
    done
    die "no '$pattern' in $file after 90 s"
}

# json_field NAME: the field NAME of the JSON object on stdin
json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
