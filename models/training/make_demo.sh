#!/usr/bin/env bash
# Rebuild the whole demo world from fixed seeds: data, teacher targets, text tower, student,
# exports, class set, evaluation, and the held-out recording. Run from anywhere.
#   bash models/training/make_demo.sh            (about 6 hours on an idle 2-core CPU, see README)
# Steps are resumable: existing work/ outputs are reused; the student resumes from its checkpoint.
# This makes the shipped pack on a CPU: v1's student, then v2 continued from it, v3 from v2, v4 from v3, v5 from v4, v6 from v5, v7 from v6, v8 from v7 (below). With a GPU
# machine, gpu_run.sh trains a student from scratch there and finish_gpu.sh packs it here (README,
# "Demo model v2 on a GPU").
set -euo pipefail
cd "$(dirname "$0")"
PY=${PY:-.venv/bin/python}
if [ ! -x "$PY" ]; then
  python3 -m venv .venv && .venv/bin/pip install -r requirements.txt
fi
export OMP_NUM_THREADS=2
N="nice -n 10"
[ -f work/train/meta.json ] || $N $PY -m dvedemo.dataset --split train --scenes 750 --views 4
[ -f work/val/meta.json ]   || $N $PY -m dvedemo.dataset --split val --scenes 40 --views 5
# The text tower v2 (shipped with v5): everyday synonyms in the corpus, 1000 steps (v1-v4 shipped a
# tower without them, 500 steps; it is in the git history of models/demo/text.onnx).
[ -f work/text/hf/tokenizer.json ] || $N $PY -m dvedemo.train_text --out work/text/hf --steps 1000
# The shipped model: 1370 steps on a 4000-step cosine schedule, then (the shared CPU had slowed
# to ~25 s/step) resumed on a 2200-step schedule and cut at step 1403, then annealed on an
# 1800-step schedule to its end; later continued with warm restarts on 3000-, 5500-, 8000- and
# 10000-step schedules. Reproduced here step for step (batches are seeded by step):
$N $PY -m dvedemo.train_student --steps 4000 --stop-at 1370 --resume
$N $PY -m dvedemo.train_student --steps 2200 --stop-at 1403 --resume
$N $PY -m dvedemo.train_student --steps 1800 --resume
$N $PY -m dvedemo.train_student --steps 3000 --lr 4e-4 --resume
$N $PY -m dvedemo.train_student --steps 5500 --lr 3e-4 --resume
$N $PY -m dvedemo.train_student --steps 8000 --lr 2.5e-4 --resume
$N $PY -m dvedemo.train_student --steps 10000 --lr 2e-4 --resume
# v2 (shipped since 2026-12-05, CPU): 3.2x the distinct apartments (2400, whose first 750 are v1's),
# a class-balanced loss, continued from v1's weights. The shipped run started from the weights
# rebuilt from v1's image.onnx (dvedemo.recover_student: v1's ckpt was gone; pixel cosine 0.99998
# to final.pt's export); from scratch this script continues from final.pt itself.
[ -f work/train-v2/meta.json ] || $N $PY -m dvedemo.dataset --split train --scenes 2400 --views 4 --out work/train-v2
# The shipped run: 314 steps of a 3000-step schedule, then (2.0-2.7 s/step on the shared CPU) an
# 1800-step schedule from that checkpoint to its end.
for schedule in "--steps 3000 --stop-at 314" "--steps 1800"; do
  # shellcheck disable=SC2086
  $N $PY -m dvedemo.train_student --data work/train-v2 --out work/student-v2 --init work/student/final.pt \
    $schedule --lr 3e-4 --class-balance 0.5 --resume
done
# Each later version continues an earlier one (by default the one before) on apartments no earlier set held:
#   continue_student <version> <scenes> <first scene> <steps> <peak lr> [class balance, 0.75] [from version]
continue_student() {
  local v=$1 scenes=$2 first=$3 steps=$4 lr=$5 balance=${6:-0.75} from=${7:-$(($1 - 1))}
  [ -f "work/train-v$v/meta.json" ] || $N $PY -m dvedemo.dataset --split train --scenes "$scenes" --first "$first" \
    --views 4 --out "work/train-v$v"
  $N $PY -m dvedemo.train_student --data "work/train-v$v" --out "work/student-v$v" \
    --init "work/student-v$from/final.pt" --steps "$steps" --lr "$lr" --class-balance "$balance" --resume
}
# v3 (shipped 2026-12-06 until v4, CPU): scenes 2400-4399 from v2's weights (the shipped run: from v2
# rebuilt from its image.onnx by dvedemo.recover_student, pixel cosine 0.99999; here from v2's
# final.pt). 57.5 min on the idle 2-core box.
continue_student 3 2000 2400 3000 2.5e-4
# v4 (shipped 2026-12-06 until v5, CPU): scenes 4400-6399. 26.6 min on the 2-core box at nice 19.
continue_student 4 2000 4400 1600 2e-4
# v5 (shipped 2026-12-06 until v6, CPU): scenes 6400-7899. 23 min on the idle 2-core box.
continue_student 5 1500 6400 1200 2e-4
# v6 (shipped 2026-12-06 until v7, CPU): scenes 7900-9399. 25 min on the 2-core box.
continue_student 6 1500 7900 1200 2e-4
# v7 (shipped 2026-12-06 until v8, CPU): scenes 9400-10899. 27 min on the 2-core box at nice 10.
continue_student 7 1500 9400 1200 2e-4
# v8 (shipped 2026-12-06 until v10, CPU): scenes 10900-12399. 20 min on the idle 2-core box.
continue_student 8 1500 10900 1200 2e-4
# (v9, scenes 12400-13899 from v8, was not shipped: models/training/README.md.)
# v10 (shipped 2026-12-07 until v11, CPU): scenes 13900-15399 from v8, class balance 1.0. The shipped
# run started from v8 rebuilt from its image.onnx (recover_student, pixel cosine 0.99994). 50 min at nice 10.
continue_student 10 1500 13900 1200 2e-4 1.0 8
# v11 (shipped since 2026-12-07, CPU): v10 once more over v10's frames (other batches: seed 1), a
# 1000-step schedule from 1.5e-4. 56 min on the 2-core box at nice 10.
$N $PY -m dvedemo.train_student --data work/train-v10 --out work/student-v11 --init work/student-v10/final.pt \
  --steps 1000 --lr 1.5e-4 --class-balance 1.0 --seed 1 --resume
mkdir -p ../demo ../../resources
$N $PY ../tools/export_text_tower.py --model work/text/hf --out ../demo > work/text_block.json
$N $PY -m dvedemo.export_image --ckpt work/student-v11/final.pt --out ../demo/image.onnx
$N $PY -m dvedemo.pack --pack ../demo
$N $PY -m dvedemo.recording --out ../../resources/demo-recording --plan v2
$N $PY -m dvedemo.evaluate --pack ../demo --train work/train-v10 --train-frames 1200
