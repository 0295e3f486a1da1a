#!/usr/bin/env bash
# The training tools' tests (generator determinism and ground truth; the text-tower exporter where torch
# and transformers are installed). Skipped with a message where Python lacks numpy or pytest.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PY:-python3}
if ! command -v "$PY" >/dev/null || ! "$PY" -c "import numpy, pytest" 2>/dev/null; then
  echo "training tests skipped: $PY with numpy and pytest is not available (pip install -r models/training/requirements.txt)"
  exit 0
fi
exec "$PY" -m pytest -q -p no:cacheprovider tests
