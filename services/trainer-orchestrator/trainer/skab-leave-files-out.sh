#!/usr/bin/env bash
# Leave-files-out evaluation on SKAB valve1: the 16 files are split into FOLDS groups; for each group a model
# is trained (architecture, horizon, channels and alarm policy chosen by validation) on every other file
# (`--exclude` keeps the group's files unread), then `industrialmind eval anomaly` scores the group with it.
# TP/FP/FN/TN are summed over all files, so no file's scored part influenced any choice made for it.
#   usage: skab-leave-files-out.sh [SKAB_DATA_DIR] [WORK_DIR]     env: FOLDS (default 4), ARCH (default auto)
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
data="${1:-$root/../shared/datasets/skab/data}"
work="${2:-$(mktemp -d "${TMPDIR:-/tmp}/skab-lfo.XXXXXX")}"
folds="${FOLDS:-4}"
arch="${ARCH:-auto}"
data="$(cd "$data" && pwd)"
mkdir -p "$work"
mapfile -t files < <(cd "$data" && ls valve1/*.csv | sort -t/ -k2 -n)
echo "data $data, ${#files[@]} files, $folds folds, work dir $work" >&2
: > "$work/summaries.jsonl"
for ((k = 0; k < folds; k++)); do
  held=()
  for ((i = k; i < ${#files[@]}; i += folds)); do held+=("${files[$i]}"); done
  excludes=()
  rm -rf "$work/fold$k-data" && mkdir -p "$work/fold$k-data/valve1"
  for f in "${held[@]}"; do
    excludes+=(--exclude "$f")
    ln -s "$data/$f" "$work/fold$k-data/$f" # read in place, never copied
  done
  echo "fold $k: held out ${held[*]}" >&2
  "$root/bin/industrialmind" train anomaly --dataset skab --data "$data" --arch "$arch" --quiet \
    --out "$work/fold$k-model" --name skab "${excludes[@]}" > "$work/fold$k-train.json"
  "$root/bin/industrialmind" eval anomaly --data "$work/fold$k-data" --model "$work/fold$k-model/skab.json" \
    --out "$work/fold$k-scores.csv" --json >> "$work/summaries.jsonl"
done
python3 - "$work/summaries.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
tp, fp, fn, tn = (sum(r[k] for r in rows) for k in ("tp", "fp", "fn", "tn"))
f1 = 2 * tp / (2 * tp + fp + fn); far = fp / (fp + tn); mar = fn / (fn + tp)
print(json.dumps({"folds": len(rows), "files": sum(r["files"] for r in rows), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
                  "f1": round(f1, 4), "far": round(far, 4), "mar": round(mar, 4)}))
PY
