// electron-builder 26 configuration for one linux architecture (`npm run dist` builds x64 and arm64).
// Native code cannot load from inside app.asar: onnxruntime-node's whole folder is unpacked (its
// binding finds libonnxruntime.so.1 through RUNPATH $ORIGIN, and `*.so.1` is not matched by `*.so`),
// and the model pack and demo recording ship as extraResources beside the asar.

/** Folders of onnxruntime-node's binaries (288 MB for every platform) that a linux `arch` build leaves out. */
export function foreignOnnxRuntimeBinaries(arch) {
  const otherArch = arch === 'x64' ? 'arm64' : 'x64'
  return ['darwin', 'win32', `linux/${otherArch}`].map((dir) => `node_modules/onnxruntime-node/bin/napi-v6/${dir}`)
}

/** @param {'x64' | 'arm64'} arch @param {{ electronDist?: string }} options */
export function builderConfig(arch, options = {}) {
  return {
    appId: 'org.dveformer.console',
    productName: 'DVE Console',
    executableName: 'dve-console',
    directories: { output: 'dist', buildResources: 'packaging' },
    files: [
      'out/main/**',
      'out/preload/**',
      'out/renderer/**',
      'package.json',
      // The built CLI/server need neither the TypeScript runner nor its compiler.
      '!node_modules/{tsx,esbuild,@esbuild}/**',
      ...foreignOnnxRuntimeBinaries(arch).map((dir) => `!${dir}/**`),
    ],
    asar: true,
    asarUnpack: ['node_modules/onnxruntime-node/**', 'node_modules/sharp/**', 'node_modules/@img/**'],
    extraResources: [
      { from: 'models/demo', to: 'models/demo' },
      { from: 'resources/demo-recording', to: 'resources/demo-recording' },
    ],
    // onnxruntime-node is N-API with prebuilt binaries and no binding.gyp; sharp ships prebuilt too.
    npmRebuild: false,
    ...(options.electronDist ? { electronDist: options.electronDist } : {}),
    linux: {
      target: ['AppImage', 'deb'],
      category: 'Science',
      synopsis: 'Operator console for DVEFormer dense visual embeddings',
      maintainer: 'DVE Console developers',
    },
    deb: { packageName: 'dve-console' },
  }
}
