"""The device run (gpu_run.sh → dvedemo.gpu_run) at toy scale on the CPU: parallel rendering
that does not depend on the worker count, GPU-side batches equal to the CPU trainer's, the
deadline, the compact checkpoint and its way into the ONNX exporter. Needs torch (skipped
without); the exporter test also onnxruntime."""
import os
import sys
import tarfile

import numpy as np
import pytest

torch = pytest.importorskip("torch")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from dvedemo import frame_stream, gpu_run  # noqa: E402
from dvedemo.checkpoint import load_compact, save_compact  # noqa: E402
from dvedemo.dataset import scene_frames  # noqa: E402
from dvedemo.device_pool import DevicePool  # noqa: E402
from dvedemo.train_student import make_batch  # noqa: E402

torch.set_num_threads(1)


def stream_frames(workers, scenes=3, views=1):
    s = frame_stream.FrameStream("val", scenes, views, workers)
    try:
        out = []
        while not s.finished:
            out += s.poll(block=True)
        return out
    finally:
        s.close()


def test_frames_do_not_depend_on_the_worker_count():
    one, three = stream_frames(1), stream_frames(3)
    assert len(one) == len(three) == 3
    for a, b in zip(one, three):
        assert a.keys() == b.keys()
        for k in a:
            assert a[k].tobytes() == b[k].tobytes(), k
    assert one[0]["rgb"].tobytes() != one[1]["rgb"].tobytes()  # different apartments


class FixedRng:
    """Stands in for numpy's Generator in DevicePool.batch: frames 0 and 1, the second mirrored,
    no colour jitter."""
    def choice(self, n, size, replace):
        return np.arange(size)

    def random(self, size):
        return np.array([0.9, 0.1])

    def uniform(self, lo, hi, size):
        return np.ones(size)

    def normal(self, mu, sigma, size):
        return np.zeros(size)


def test_device_batch_matches_the_cpu_trainer_including_the_mirror():
    frames = [(f, seg, T) for _, f, seg, T in scene_frames("val", 0, 2)]
    pool = DevicePool(4, "cpu")
    pool.add([dict(zip(("rgb", "depth", "seg4", "seg4_flipped", "targets"),
                       (f["rgb"], f["depth"]) + frame_stream.compact(seg, T))) for f, seg, T in frames])
    stats = {"depthMean": 2000.0, "depthStd": 900.0}
    rgb, depth, tg, mask = pool.batch(FixedRng(), 2, stats)
    (f0, seg0, _), (f1, seg1, _) = frames  # the CPU trainer's input: frame 1 mirrored at full resolution
    data = {"rgb": np.stack([f0["rgb"], f1["rgb"][:, ::-1]]), "depth": np.stack([f0["depth"], f1["depth"][:, ::-1]]),
            "seg": np.stack([seg0, seg1[:, ::-1]]),
            "targets": np.stack([frame_stream.compact(seg, T)[2] for _, seg, T in frames])}
    ref = make_batch(data, np.arange(2), np.random.default_rng(0), stats, augment=False)
    for got, want in zip((rgb, depth, tg, mask), ref):
        assert got.shape == want.shape
        assert torch.allclose(got.float(), want.float(), atol=1e-5)
    unmirrored = pool.targets[1][pool.seg4[1, 0].long()].permute(2, 0, 1).float()
    assert not torch.allclose(tg[1], unmirrored)  # the mirror really was taken


def test_plan_fits_the_seconds_left():
    assert gpu_run.plan_steps(120, 0.1, 400) == 120 + int(0.97 * 4000)
    assert gpu_run.plan_steps(120, 5.0, 1) == 121  # always at least one more step


def test_compact_checkpoint_splits_and_joins(tmp_path):
    model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.BatchNorm1d(64))
    path = str(tmp_path / "student.pt")
    files = save_compact(model, {"stats": {"depthMean": 1.0}}, path, part_bytes=4096)
    assert len(files) > 1 and all(os.path.getsize(f) <= 4096 for f in files)
    s = load_compact(path)
    assert s["stats"] == {"depthMean": 1.0}
    for k, v in model.state_dict().items():
        assert s["model"][k].dtype == (torch.float16 if v.is_floating_point() else v.dtype)
        assert torch.allclose(s["model"][k].float(), v.float(), atol=1e-3)
    assert save_compact(model, {}, path) == [path]  # small again: one file, the old parts gone
    assert sorted(os.listdir(tmp_path)) == ["student.pt"]
    os.remove(path)
    with pytest.raises(FileNotFoundError, match="student.pt"):
        load_compact(path)


def toy_run(out, *args):
    return gpu_run.main(["--out", str(out), "--device", "cpu", "--scenes", "3", "--views", "2", "--workers", "2",
                         "--batch", "2", "--min-frames", "2", "--warmup", "1", *args])


def test_deadline_stops_cleanly_with_a_checkpoint(tmp_path):
    run = toy_run(tmp_path, "--budget-s", "0", "--text-steps", "0")
    assert run["steps"] == 0 and run["plannedSteps"] > 10**6  # unplanned: only the deadline stopped it
    s = load_compact(str(tmp_path / "student.pt"))
    assert s["final"] is False and s["steps"] == 0 and s["stats"]["depthStd"] > 0
    assert sorted(os.listdir(tmp_path)) == ["run.json", "student.pt"]


def test_toy_run_trains_and_the_checkpoint_exports_to_onnx(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("transformers")
    from dvedemo import export_image
    from dvedemo.train_student import normalise
    out = tmp_path / "out"
    run = toy_run(out, "--budget-s", "600", "--steps", "2", "--text-steps", "40")
    assert run["steps"] == 2 and run["framesInPool"] >= 2 and run["textTower"] is True
    with tarfile.open(out / "text-hf.tar") as tf:
        names = tf.getnames()
    assert "text/hf/tokenizer.json" in names and "text/hf/config.json" in names
    model, s = export_image.load_student(str(out / "student.pt"))
    assert s["final"] is True and s["steps"] == 2
    onnx_path = str(tmp_path / "image.onnx")
    export_image.export_onnx(model, onnx_path)
    f = stream_frames(1, scenes=1)[0]
    r, d = normalise(f["rgb"][None], f["depth"][None], s["stats"]["depthMean"], s["stats"]["depthStd"])
    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    y = sess.run([export_image.OUTPUT], {"rgb": r.numpy(), "depth": d.numpy()})[0]
    with torch.no_grad():
        ref = model(r, d).numpy()
    assert y.shape == (1, 256, 60, 80)
    assert export_image.pixel_cos(y, ref).mean() > 0.999
