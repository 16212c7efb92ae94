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
