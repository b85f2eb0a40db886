"""numpy reference for eval/bench/measure-structures.ts.

Per-structure volume and mean HU computed the way TotalSegmentator's statistics work
(totalsegmentator/statistics.py, get_basic_statistics): one boolean mask per class id over the whole volume,
its voxel count times the voxel volume, and the mean CT value inside it (`ct[mask].mean()`, the cheaper of the
two forms that file uses; its np.average(ct, weights=mask) form is slower still).

Usage: /usr/bin/python3 eval/bench/measure_reference.py CT SEG LESIONS OUT_JSON   (LESIONS '-': none)
Writes {timing: {read_s, stats_s, total_s}, structures: {"seg:<id>"|"lesion:<id>": {count, volume_mm3, mean_hu}}}.
"""
import json
import sys
import time

import nibabel as nib
import numpy as np


def class_stats(seg, ct, ids, vox_vol, prefix, out):
    for k in ids:
        mask = seg == k
        count = int(mask.sum())
        out[f"{prefix}:{k}"] = {
            "count": count,
            "volume_mm3": count * vox_vol,
            "mean_hu": float(ct[mask].mean()) if count > 0 else 0.0,
        }


def main():
    ct_path, seg_path, lesion_path, out_path = sys.argv[1:5]
    t0 = time.perf_counter()
    ct_img = nib.load(ct_path)
    ct = np.asanyarray(ct_img.dataobj)
    seg = np.asanyarray(nib.load(seg_path).dataobj)
    lesions = np.asanyarray(nib.load(lesion_path).dataobj) if lesion_path != "-" else None
    zooms = ct_img.header.get_zooms()
    vox_vol = float(zooms[0] * zooms[1] * zooms[2])
    t1 = time.perf_counter()
    out = {}
    class_stats(seg, ct, range(1, 118), vox_vol, "seg", out)
    if lesions is not None:
        class_stats(lesions, ct, range(118, 138), vox_vol, "lesion", out)
    t2 = time.perf_counter()
    result = {
        "timing": {"read_s": t1 - t0, "stats_s": t2 - t1, "total_s": t2 - t0},
        "ct_dtype": str(ct.dtype),
        "numpy": np.__version__,
        "nibabel": nib.__version__,
        "structures": out,
    }
    with open(out_path, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
