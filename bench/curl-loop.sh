#!/usr/bin/env bash
# The loop a user would write instead of budgetbot: one signed GetUMInferTokenUsage POST per key x model over the
# month so far, its Data.Total summed with jq. Used by bench/scale.sh as the baseline a check must beat.
#
#   bench/curl-loop.sh BASE_URL PUBLIC_KEY KEYS_FILE MODELS_FILE START END
#
# KEYS_FILE and MODELS_FILE hold one key id / model per line; START and END are unix seconds. The private key comes
# from $BENCH_UCLOUD_PRIVATE_KEY. Signing follows UCloud's rules (shared/reference/UCLOUD-API.md): every parameter
# but Signature, sorted by key in byte order, concatenated as key1value1key2value2... without URL encoding, then
# the private key appended, SHA-1, 40 lowercase hex digits. ProjectId is empty (the default project), so it is left
# out. Prints the summed Total on stdout; stops at the first request that fails (curl error or RetCode != 0).
#
# Note: real UCloud tends to time out on windows longer than about 10 days; scale.sh starts its simulator with
# --max-window-days 31 so that this one-request-per-series loop gets answers for a whole month.
set -euo pipefail

if (($# != 6)); then
    echo "usage: $0 BASE_URL PUBLIC_KEY KEYS_FILE MODELS_FILE START END   (private key in \$BENCH_UCLOUD_PRIVATE_KEY)" >&2
    exit 2
fi
base=$1 public_key=$2 keys_file=$3 models_file=$4 start=$5 end=$6
: "${BENCH_UCLOUD_PRIVATE_KEY:?the private key must be in BENCH_UCLOUD_PRIVATE_KEY}"

# sign key=value...: the signature of these parameters
sign() {
    local joined
    # sort by the key (before the first '='), in byte order; then drop that '=' and the newlines
    joined=$(printf '%s\n' "$@" | LC_ALL=C sort -t= -k1,1 | sed 's/=//' | tr -d '\n')
    printf '%s%s' "$joined" "$BENCH_UCLOUD_PRIVATE_KEY" | sha1sum | cut -c1-40
}

mapfile -t models <"$models_file"
total=0
while IFS= read -r key; do
    for model in "${models[@]}"; do
        params=(Action=GetUMInferTokenUsage "KeyId=$key" "Model=$model" "StartTime=$start" "EndTime=$end"
            "PublicKey=$public_key")
        args=()
        for p in "${params[@]}"; do args+=(--data-urlencode "$p"); done
        args+=(--data-urlencode "Signature=$(sign "${params[@]}")")
        read -r ret count < <(curl -sS --fail --max-time 30 "${args[@]}" "$base" | jq -r '"\(.RetCode) \(.Data.Total // 0)"')
        if [[ $ret != 0 ]]; then
            echo "curl-loop: RetCode $ret for $key x $model" >&2
            exit 1
        fi
        total=$((total + count))
    done
done <"$keys_file"
echo "$total"
