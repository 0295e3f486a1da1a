#!/usr/bin/env bash
# Builds onnxruntime with the CUDA and TensorRT providers and the Node.js binding (TensorRT options
# forwarded, patch_node_binding.py), then installs the binding where the app and the packaged build
# load it: node_modules/onnxruntime-node/bin/napi-v6/linux/<arch>/. docs/JETSON.md explains each step.
#
#   models/tools/jetson/build-onnxruntime.sh            # on the Jetson (JetPack 6), from the repository root
#   TARGET=x64 CUDA_ARCH="86;89" models/tools/jetson/build-onnxruntime.sh   # an x64 workstation
#   DRY_RUN=1 ...                                       # print the commands only
#
# Settings (environment): ORT_TAG (default: the onnxruntime-node version in package-lock.json), SRC
# (checkout, default ~/onnxruntime), TARGET (jetson|x64), CUDA_HOME, CUDNN_HOME, TENSORRT_HOME,
# CUDA_ARCH (Orin: 87), PARALLEL (compile jobs; the build needs ~2 GB of memory per job), APP (this repository).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
APP=${APP:-$(cd "$HERE/../../.." && pwd)}
TARGET=${TARGET:-jetson}
DRY_RUN=${DRY_RUN:-0}
ort_version() { node -p "require('$APP/package-lock.json').packages['node_modules/onnxruntime-node'].version" 2>/dev/null || echo 1.30.0; }
ORT_TAG=${ORT_TAG:-v$(ort_version)}
SRC=${SRC:-$HOME/onnxruntime}
CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
case "$TARGET" in
  jetson) # JetPack 6 puts cuDNN and TensorRT in the multiarch library folder
    ARCH=arm64; CUDNN_HOME=${CUDNN_HOME:-/usr/lib/aarch64-linux-gnu}; TENSORRT_HOME=${TENSORRT_HOME:-/usr/lib/aarch64-linux-gnu}
    CUDA_ARCH=${CUDA_ARCH:-87}; PARALLEL=${PARALLEL:-4} ;;
  x64) # NVIDIA's apt packages (libcudnn9-dev-cuda-12, tensorrt-dev) use the same layout on x86_64
    ARCH=x64; CUDNN_HOME=${CUDNN_HOME:-/usr/lib/x86_64-linux-gnu}; TENSORRT_HOME=${TENSORRT_HOME:-/usr/lib/x86_64-linux-gnu}
    CUDA_ARCH=${CUDA_ARCH:?set CUDA_ARCH to your GPU compute capability without the dot, e.g. 86 or \"86;89\"}; PARALLEL=${PARALLEL:-$(nproc)} ;;
  *) echo "build-onnxruntime: TARGET must be jetson or x64 (got $TARGET)" >&2; exit 2 ;;
esac
BINDING_DIR="$SRC/js/node/bin/napi-v6/linux/$ARCH"
INSTALL_DIR="$APP/node_modules/onnxruntime-node/bin/napi-v6/linux/$ARCH"
LIBS="$SRC/build/Linux/Release"

run() { echo "+ $*"; if [ "$DRY_RUN" != 1 ]; then "$@"; fi; }

if [ "$DRY_RUN" != 1 ]; then
  for need in "$CUDA_HOME/bin/nvcc" "$TENSORRT_HOME/libnvinfer.so" "$CUDNN_HOME/libcudnn.so"; do
    [ -e "$need" ] || { echo "build-onnxruntime: $need not found (set CUDA_HOME / TENSORRT_HOME / CUDNN_HOME; docs/JETSON.md)" >&2; exit 1; }
  done
  command -v cmake >/dev/null || { echo "build-onnxruntime: cmake >= 3.28 is needed (pip install cmake)" >&2; exit 1; }
fi

[ -d "$SRC/.git" ] || run git clone --recursive --branch "$ORT_TAG" --depth 1 --shallow-submodules https://github.com/microsoft/onnxruntime "$SRC"
run python3 "$HERE/patch_node_binding.py" "$SRC"
export PATH="$CUDA_HOME/bin:$PATH" CUDACXX="$CUDA_HOME/bin/nvcc"
ROOT_FLAG=(); [ "$(id -u)" = 0 ] && ROOT_FLAG=(--allow_running_as_root)
run "$SRC/build.sh" --config Release --update --build --parallel "$PARALLEL" "${ROOT_FLAG[@]}" \
  --build_shared_lib --build_nodejs --skip_tests \
  --use_cuda --cuda_home "$CUDA_HOME" --cudnn_home "$CUDNN_HOME" \
  --use_tensorrt --tensorrt_home "$TENSORRT_HOME" \
  --cmake_extra_defines "CMAKE_CUDA_ARCHITECTURES=$CUDA_ARCH" onnxruntime_BUILD_UNIT_TESTS=OFF

# The binding loads the provider libraries from its own folder (RUNPATH $ORIGIN), not from LD_LIBRARY_PATH.
for lib in shared cuda tensorrt; do run cp "$LIBS/libonnxruntime_providers_$lib.so" "$BINDING_DIR/"; done
run mkdir -p "$INSTALL_DIR"
run cp "$BINDING_DIR/onnxruntime_binding.node" "$BINDING_DIR/libonnxruntime.so.1" "$BINDING_DIR"/libonnxruntime_providers_*.so "$INSTALL_DIR/"
# What the console sees now: providers, the patch, the GPU, TensorRT's version and engine cache.
run node "$APP/src-main/cli/dve.mjs" doctor
