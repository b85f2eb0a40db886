"""Reference numbers for the VQA questions on ../shared/data, computed independently of groundct with nibabel,
numpy and scipy (Debian's /usr/bin/python3). Run from the repository root:

    /usr/bin/python3 eval/vqa/reference_shared.py [shared-data-dir]  ->  eval/vqa/shared-reference.json

Only derived numbers are written (voxel counts, volumes, means, border contact, component counts), never image data.
"""
import json
import os
import sys

import nibabel as nib
import numpy as np
from scipy import ndimage

DATA = sys.argv[1] if len(sys.argv) > 1 else os.environ.get('GROUNDCT_TEST_DATA', '../shared/data')
OUT = os.path.join(os.path.dirname(__file__), 'shared-reference.json')


def voxel_volume_mm3(img):
    # |det| of the affine's linear part: the voxel volume in mm3, from the header's float32 values
    return float(abs(np.linalg.det(img.affine[:3, :3])))


def touches_border(mask):
    idx = np.argwhere(mask)
    return any(idx[:, a].min() == 0 or idx[:, a].max() == mask.shape[a] - 1 for a in range(3))


def totalseg():
    d = os.path.join(DATA, 'totalseg', 'example_seg_fast')
    stats = json.load(open(os.path.join(d, 'statistics.json')))
    ct = nib.load(os.path.join(DATA, 'totalseg', 'example_ct_sm.nii.gz'))
    hu = np.asanyarray(ct.dataobj).astype(np.float64)
    vmm3 = voxel_volume_mm3(ct)
    structures = {}
    for f in sorted(os.listdir(d)):
        if not f.endswith('.nii.gz'):
            continue
        name = f[: -len('.nii.gz')]
        mask = np.asanyarray(nib.load(os.path.join(d, f)).dataobj) > 0
        n = int(mask.sum())
        entry = {'voxels': n, 'statisticsVolumeMm3': stats[name]['volume'], 'statisticsIntensity': stats[name]['intensity']}
        if n > 0:
            entry.update(volumeMl=n * vmm3 / 1000.0, meanHu=float(hu[mask].mean()), cutByBorder=bool(touches_border(mask)))
            # Cross-check with TotalSegmentator's own statistics.json (its volume is voxels x voxel volume).
            assert abs(entry['volumeMl'] * 1000 - stats[name]['volume']) < 0.01, name
        structures[name] = entry
    return {'voxelVolumeMm3': vmm3, 'structures': structures}


def axial_diameters(mask, affine):
    """RECIST long axis: the longest distance between voxel centres on one axial slice (k = S axis here), and the
    extent perpendicular to it on that slice; brute force over the slice's boundary voxels."""
    best = (0.0, 0.0)
    for k in range(mask.shape[2]):
        sl = mask[:, :, k]
        if not sl.any():
            continue
        boundary = sl & ~ndimage.binary_erosion(sl, border_value=0)
        ij = np.argwhere(boundary)
        pts = (affine[:3, :3] @ np.c_[ij, np.full(len(ij), k)].T).T[:, :2]
        dif = pts[:, None, :] - pts[None, :, :]
        dist = np.sqrt((dif ** 2).sum(-1))
        a, b = np.unravel_index(np.argmax(dist), dist.shape)
        long = float(dist[a, b])
        if long > best[0] + 1e-9:
            u = (pts[b] - pts[a]) / long if long > 0 else np.array([1.0, 0.0])
            t = pts @ np.array([-u[1], u[0]])
            best = (long, float(t.max() - t.min()))
    return best


def sts():
    img = nib.load(os.path.join(DATA, 'sts', 'STS_002', 'image', 'image.nii.gz'))
    mimg = nib.load(os.path.join(DATA, 'sts', 'STS_002', 'mask', 'mask.nii.gz'))
    mask = np.asanyarray(mimg.dataobj) > 0
    hu = np.asanyarray(img.dataobj).astype(np.float64)
    _, components = ndimage.label(mask, structure=np.ones((3, 3, 3)))  # 26-connectivity
    long_mm, short_mm = axial_diameters(mask, mimg.affine)
    n = int(mask.sum())
    return {
        'voxels': n,
        'volumeMl': n * voxel_volume_mm3(mimg) / 1000.0,
        'meanHu': float(hu[mask].mean()),
        'components26': int(components),
        'longAxisMm': long_mm,
        'shortAxisMm': short_mm,
        'cutByBorder': bool(touches_border(mask)),
    }


if __name__ == '__main__':
    ref = {'generatedBy': 'eval/vqa/reference_shared.py', 'nibabel': nib.__version__, 'totalseg': totalseg(), 'sts002': sts()}
    with open(OUT, 'w') as fh:
        json.dump(ref, fh, indent=1, sort_keys=True)
        fh.write('\n')
    print('wrote', OUT, 'sts002', ref['sts002'])
