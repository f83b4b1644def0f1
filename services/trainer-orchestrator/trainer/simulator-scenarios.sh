#!/usr/bin/env bash
# Records the simulator fault scenarios used to train (seed 11) and evaluate (seed 12) the simulator fleet's
# anomaly models: 16 machines (4 per type), 4 simulated hours at 1 reading/s each, faults injected into three
# machines per type (the fourth stays healthy), with ground truth. Output: DIR/{train,eval}/{readings,truth}.jsonl
#   usage: simulator-scenarios.sh DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
out="${1:?usage: simulator-scenarios.sh DIR}"
record() { # name seed start-offset-minutes kinds...
  local name="$1" seed="$2" shift_min="$3"
  mkdir -p "$out/$name"
  local faults=() k=0
  for type in cnc-mill centrifugal-pump compressor conveyor-motor; do
    local kinds=(bearing_wear overheating electrical_fault)
    [ "$type" = centrifugal-pump ] && kinds=(cavitation bearing_wear pressure_leak)
    [ "$type" = compressor ] && kinds=(overheating pressure_leak bearing_wear)
    for i in 0 1 2; do
      local kind="${kinds[$(( (i + seed) % 3 ))]}"
      local start=$(( 60 + 40 * i + shift_min + 7 * k ))
      faults+=(--fault "$type-00$((i + 1)):$kind:severity=0.7:shape=ramp:start=${start}m:onset=10m:duration=40m")
      k=$((k + 1))
    done
  done
  "$root/bin/industrialmind" simulate --hours 4 --machines 16 --seed "$seed" --start 2026-01-01T00:00:00Z \
    --out "$out/$name/readings.jsonl" --truth "$out/$name/truth.jsonl" "${faults[@]}" >&2
}
record train 11 0
record eval 12 15
