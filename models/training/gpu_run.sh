#!/usr/bin/env bash
# Demo model v2 on the device machine (one GPU, 16 cores, PyTorch there, nothing downloadable), in
# ONE call of the device tool from the repository root:
#   run(command="bash models/training/gpu_run.sh", timeout_s=600)
# Renders apartments on all cores but two while the student trains on the GPU and the text tower
# beside it; stops BUDGET seconds (default 500) after start. Files in $OUT (they come back):
# student.pt (fp16 weights, ~11 MB; parts student.pt.00.. if over 15 MiB), text-hf.tar, run.json,
# gpu_run.log; student.pt is rewritten every 2 minutes, so a cut-off run still returns a model.
# Then, here: bash models/training/finish_gpu.sh <the folder the files came back to>
# Extra arguments go to dvedemo.gpu_run (e.g. --batch 256 --lr 3e-3 --text-steps 0).
set -euo pipefail
cd "$(dirname "$0")"
: "${OUT:?OUT must name the folder whose files come back}"
mkdir -p "$OUT"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONUNBUFFERED=1
PY=${PY:-python3}
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi: training on the CPU"
"$PY" -m dvedemo.gpu_run --out "$OUT" --budget-s "${BUDGET:-500}" "$@" 2>&1 | tee "$OUT/gpu_run.log"
