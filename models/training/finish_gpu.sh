#!/usr/bin/env bash
# Everything after gpu_run.sh, on this machine's CPU: export, pack, recording, evaluation.
#   bash models/training/finish_gpu.sh <folder holding student.pt (or its parts), text-hf.tar, run.json>
# Writes the pack to $PACK (default models/demo), i.e. it REPLACES the shipped files, and evaluates on the
# recording at $RECORDING (default resources/demo-recording; rendered there only when missing): commit them together with the
# figures it prints (models/demo/README.md). Held-out val frames and the 1200 training frames for
# the visual means and the probe are rendered here when work/ lacks them (fixed seeds, ~5 min).
set -euo pipefail
RES=$(cd "${1:?usage: finish_gpu.sh <folder with the files from gpu_run.sh>}" && pwd)
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
PACK=${PACK:-$ROOT/models/demo}
RECORDING=${RECORDING:-$ROOT/resources/demo-recording}
PY=${PY:-python3}
N="nice -n 10"
export OMP_NUM_THREADS=2
[ -f "$RES/run.json" ] || { echo "$RES/run.json: missing (not a gpu_run.sh result folder)" >&2; exit 1; }
mkdir -p work/gpu "$PACK"
rm -rf work/gpu/text
if [ -f "$RES/text-hf.tar" ]; then
  tar -xf "$RES/text-hf.tar" -C work/gpu
else  # the device's text tower did not finish: v1's recipe here (~14 min on the shared CPU)
  echo "$RES/text-hf.tar: missing; training the text tower here (500 steps)" >&2
  $N $PY -m dvedemo.train_text --out work/gpu/text/hf --steps 500
fi
[ -f work/val/meta.json ] || $N $PY -m dvedemo.dataset --split val --scenes 40 --views 5
[ -f work/train/meta.json ] || $N $PY -m dvedemo.dataset --split train --scenes 300 --views 4
$N $PY ../tools/export_text_tower.py --model work/gpu/text/hf --out "$PACK" > work/gpu/text_block.json
$N $PY -m dvedemo.export_image --ckpt "$RES/student.pt" --out "$PACK/image.onnx" --work work/gpu/export
$N $PY -m dvedemo.pack --pack "$PACK" --text-block work/gpu/text_block.json --image-report work/gpu/export/export_report.json
# The shipped walk stays as it is (a render here differs in a few JPEG pixels); its files are evaluated.
KEEP=""; [ -f "$RECORDING/session.json" ] && KEEP="--keep-out"
$N $PY -m dvedemo.recording --out "$RECORDING" --plan v2 $KEEP
$N $PY -m dvedemo.evaluate --pack "$PACK" --train-frames 1200
$N $PY -m dvedemo.report --pack "$PACK"
if [ "$PACK" = "$ROOT/models/demo" ] && [ "$RECORDING" = "$ROOT/resources/demo-recording" ]; then
  cd "$ROOT" && node src-main/cli/dve.mjs eval demo-apartment --classes demo  # the console's own figures
else
  echo "PACK / RECORDING are not the shipped paths: skipping dve eval (it evaluates the bundled pack and recording)"
fi
