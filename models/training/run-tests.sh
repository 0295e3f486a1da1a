#!/usr/bin/env bash
# The training tools' tests (generator determinism and ground truth; the text-tower exporter where torch
# and transformers are installed). Outside CI a Python without the test packages skips with a message;
# under CI=true it fails naming the missing packages (.ci/run installs them), so CI cannot pass by skipping.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PY:-python3}
# numpy + pytest run the generator tests; the rest run the text-tower exporter test (pytest.importorskip there).
required=(numpy pytest)
[ "${CI:-}" = "true" ] && required+=(torch transformers onnxruntime onnx tokenizers)
if ! command -v "$PY" >/dev/null; then
  missing="$PY"
else
  missing=$("$PY" -c 'import importlib.util, sys; print(" ".join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))' "${required[@]}")
fi
if [ -n "$missing" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "training tests FAILED: CI=true and $PY lacks: $missing (pip install -r models/training/requirements.txt)" >&2
    exit 1
  fi
  echo "training tests skipped: $PY lacks: $missing (pip install -r models/training/requirements.txt)"
  exit 0
fi
exec "$PY" -m pytest -q -p no:cacheprovider tests
