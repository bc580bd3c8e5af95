#!/usr/bin/env bash
# Median wall time of whole processes, run interleaved: wall.sh N LABEL1 "CMD1" [LABEL2 "CMD2" ...]
# Each round runs every command once, in order (stdout and stderr discarded); prints each label's median and all times.
set -euo pipefail
n=$1
shift
labels=()
cmds=()
while [[ $# -gt 0 ]]; do
  labels+=("$1")
  cmds+=("$2")
  shift 2
done
declare -A times
for ((i = 0; i < n; i++)); do
  for ((j = 0; j < ${#labels[@]}; j++)); do
    start=$EPOCHREALTIME
    bash -c "${cmds[j]}" >/dev/null 2>&1 || true
    end=$EPOCHREALTIME
    times[$j]+="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }') "
  done
done
for ((j = 0; j < ${#labels[@]}; j++)); do
  median=$(tr ' ' '\n' <<<"${times[$j]}" | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  echo "${labels[j]}: median ${median} s; all: ${times[$j]}"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
