#!/usr/bin/env python3
"""PyTorch peer of `npm run bench`: one long-lived process for the whole run, driven by
bench/peers/torch.js over stdin/stdout, one JSON object per line each way.

PyTorch runs on one thread (torch.set_num_threads(1), one inter-op thread, OMP_NUM_THREADS=1 in the
environment), inside torch.inference_mode() (no autograd bookkeeping: the cheapest way a user can
call it). Inputs arrive once per case as raw little-endian files written by the Node side; they are
loaded into numpy arrays and wrapped with torch.from_numpy (no copy), so nothing is converted inside
the timed loop. The one conversion done up front: int32 labels to the int64 that F.cross_entropy
requires (done once, outside the timing: this favours PyTorch slightly).

Each timed call is what a user writes, including reading the result back into Python: `.item()`
for a scalar loss, `.numpy()` (a view) of the preallocated `out=` tensor for row-wise results.

Requests (Node -> Python):
  {"cmd": "prepare", "op", "dtype", "shape": [...], "files": {name: path}}  -> {"ok", "missing"?}
  {"cmd": "check", "path"}   run once; a scalar is returned as "value", an array written to path
  {"cmd": "time", "reps"}    run reps calls back to back, timed here with perf_counter_ns
  {"cmd": "dispose"}         drop the current case's tensors
  {"cmd": "quit"}
"""
import json
import os
import platform
import sys
import time

os.environ["OMP_NUM_THREADS"] = "1"  # before torch starts its OpenMP pool
os.environ["MKL_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass  # already set (only allowed once, before any inter-op work)

DTYPES = {"float32": np.dtype("<f4"), "float64": np.dtype("<f8"), "int32": np.dtype("<i4")}


def cpu_capability():
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"


def load(path, dtype, shape):
    a = np.fromfile(path, dtype=DTYPES[dtype])
    return torch.from_numpy(a.reshape(shape))


def heatmap_focal_loss(pred, gt):
    """CornerNet's penalty-reduced focal loss (Law & Deng 2018, eq. 1), alpha = 2, beta = 4, summed
    over every location and divided by the number of positives (gt == 1), as the reference
    implementation's `_neg_loss`: dense masks rather than boolean indexing (this dense form measured
    about twice as fast as gathering pred[gt == 1] and pred[gt < 1] on this build)."""
    pos = gt.eq(1).float()
    neg = gt.lt(1).float()
    neg_weights = torch.pow(1 - gt, 4)
    pos_loss = (torch.log(pred) * torch.pow(1 - pred, 2) * pos).sum()
    neg_loss = (torch.log(1 - pred) * torch.pow(pred, 2) * neg_weights * neg).sum()
    num_pos = pos.sum()
    if num_pos == 0:
        return -neg_loss
    return -(pos_loss + neg_loss) / num_pos


def prepare(req):
    op, dtype, shape, files = req["op"], req["dtype"], req["shape"], req["files"]
    if op == "crossEntropy":
        x = load(files["logits"], dtype, shape)
        y = load(files["labels"], "int32", shape[:1]).long()  # F.cross_entropy wants int64 targets
        return {"run": lambda: F.cross_entropy(x, y).item()}
    if op == "logSumExp":
        x = load(files["logits"], dtype, shape)
        out = torch.empty(shape[0], dtype=x.dtype)

        def run():
            torch.logsumexp(x, 1, out=out)
            return out.numpy()

        return {"run": run}
    if op == "softmax":
        x = load(files["logits"], dtype, shape)
        out = torch.empty(shape, dtype=x.dtype)

        def run():
            torch.softmax(x, 1, out=out)
            return out.numpy()

        return {"run": run}
    if op == "heatmapFocalLoss":
        pred = load(files["pred"], dtype, shape)
        gt = load(files["gt"], dtype, shape)
        return {"run": lambda: heatmap_focal_loss(pred, gt).item()}
    return None


def main():
    out = sys.stdout
    sys.stdout = sys.stderr  # a stray print from a library must not break the protocol
    send = lambda obj: (out.write(json.dumps(obj) + "\n"), out.flush())  # noqa: E731
    send({
        "ready": True,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "interop": torch.get_num_interop_threads(),
        "capability": cpu_capability(),
    })
    case = None
    with torch.inference_mode():
        for line in sys.stdin:
            if not line.strip():
                continue
            req = json.loads(line)
            cmd = req.get("cmd")
            try:
                if cmd == "prepare":
                    case = prepare(req)
                    send({"ok": True} if case else {"ok": True, "missing": f"no PyTorch form of {req['op']}"})
                elif cmd == "check":
                    r = case["run"]()
                    if isinstance(r, np.ndarray):
                        r.tofile(req["path"])
                        send({"ok": True, "array": req["path"], "dtype": str(r.dtype), "length": int(r.size)})
                    else:
                        send({"ok": True, "value": float(r)})
                elif cmd == "time":
                    run = case["run"]
                    reps = int(req["reps"])
                    last = None
                    t0 = time.perf_counter_ns()
                    for _ in range(reps):
                        last = run()
                    t = time.perf_counter_ns() - t0
                    send({"ok": True, "ms": t / 1e6, "value": float(last) if not isinstance(last, np.ndarray) else None})
                elif cmd == "dispose":
                    case = None
                    send({"ok": True})
                elif cmd == "quit":
                    send({"ok": True})
                    return
                else:
                    send({"ok": False, "error": f"unknown command {cmd!r}"})
            except Exception as err:  # report, keep serving the other cases
                send({"ok": False, "error": f"{type(err).__name__}: {err}".splitlines()[0]})


if __name__ == "__main__":
    main()
