#!/usr/bin/env python3
"""
Export an nnU-Net v2 / TotalSegmentator model to a groundct model folder (model.onnx + model.json).

Run where PyTorch and nnU-Net live (not in CI, not by groundct at run time):

    pip install torch nnunetv2 onnx            # TotalSegmentator users already have both
    python tools/export_nnunet_onnx.py \
        --model-dir ~/.totalsegmentator/nnunet/results/Dataset297_TotalSegmentator_total_3mm_1559subj/nnUNetTrainer_4000epochs_NoMirroring__nnUNetPlans__3d_fullres \
        --fold 0 --checkpoint checkpoint_final.pth \
        --label-map label_map_total_v2.json \
        --id totalseg-total-3mm --licence "Apache-2.0 (code) / CC BY 4.0 (weights): check the model's own terms" \
        --out models/totalseg-total-3mm

What it writes (see models/README.md, "Segmentation models"):
- model.onnx: the network in eval mode, input float32 [N, 1, k, j, i] (N dynamic), output logits
  [N, classes, k, j, i], opset 17, deep supervision off.
- model.json: spacing (plans' configuration spacing, reversed from nnU-Net's (z, y, x) to groundct's i, j, k),
  orientation 'RAS' (TotalSegmentator feeds nnU-Net canonical RAS NIfTI; nnU-Net's SimpleITK reader presents it
  as (z, y, x) arrays, which is groundct's [k, j, i] tensor order), patch size (reversed likewise), CT
  normalisation from plans' foreground_intensity_properties_per_channel (clip to percentile_00_5 /
  percentile_99_5, z-score with mean / std), class names from dataset.json labels or --label-map (must be
  groundct's canonical anatomy names; TotalSegmentator v2 names are), test-time mirroring axes from the
  trainer (none for *NoMirroring* trainers), sha256 of model.onnx.

Check after export: `groundct segment <ct> --model <out> --out seg.nii.gz`, and compare with TotalSegmentator's
own output on the same CT (differences: groundct resamples the CT trilinearly and the labels nearest-neighbour,
nnU-Net uses third-order splines for the image and linear for the logits).
"""
import argparse, hashlib, json, os, sys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--model-dir', required=True, help='nnU-Net trainer folder (holds plans.json, dataset.json, fold_X/)')
    ap.add_argument('--fold', default='0')
    ap.add_argument('--checkpoint', default='checkpoint_final.pth')
    ap.add_argument('--configuration', default='3d_fullres')
    ap.add_argument('--label-map', help='JSON id -> name (overrides dataset.json labels)')
    ap.add_argument('--id', required=True, help='stable model id written into provenance')
    ap.add_argument('--licence', required=True)
    ap.add_argument('--source', default=None, help='where the weights come from (default: the model dir)')
    ap.add_argument('--max-batch', type=int, default=4)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()

    import torch
    from nnunetv2.inference.predict_from_raw_data import nnUNetPredictor

    predictor = nnUNetPredictor(tile_step_size=0.5, use_gaussian=True, use_mirroring=True, device=torch.device('cpu'))
    predictor.initialize_from_trained_model_folder(args.model_dir, use_folds=(args.fold if args.fold == 'all' else int(args.fold),), checkpoint_name=args.checkpoint)
    net = predictor.network
    net.load_state_dict(predictor.list_of_parameters[0])
    if hasattr(net, 'decoder') and hasattr(net.decoder, 'deep_supervision'):
        net.decoder.deep_supervision = False
    net.eval()

    plans = json.load(open(os.path.join(args.model_dir, 'plans.json')))
    dataset = json.load(open(os.path.join(args.model_dir, 'dataset.json')))
    conf = plans['configurations'][args.configuration]
    spacing_zyx = conf['spacing']
    patch_zyx = conf['patch_size']
    props = plans['foreground_intensity_properties_per_channel']['0']
    if args.label_map:
        names = {int(k): v for k, v in json.load(open(args.label_map)).items()}
    else:
        names = {int(v): k for k, v in dataset['labels'].items()}
    n_classes = max(names) + 1
    classes = ['background'] + [names[c] for c in range(1, n_classes)]
    mirror = [] if 'NoMirroring' in os.path.basename(os.path.normpath(args.model_dir)) else [0, 1, 2]

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, 'model.onnx')
    dummy = torch.zeros((1, 1, *patch_zyx), dtype=torch.float32)
    torch.onnx.export(net, dummy, onnx_path, input_names=['input'], output_names=['logits'], opset_version=17,
                      dynamic_axes={'input': {0: 'N'}, 'logits': {0: 'N'}})
    sha = hashlib.sha256(open(onnx_path, 'rb').read()).hexdigest()
    manifest = {
        'id': args.id,
        'source': args.source or f'{args.model_dir} fold {args.fold} {args.checkpoint}',
        'licence': args.licence,
        'sha256': sha,
        'spacingMm': list(reversed([float(s) for s in spacing_zyx])),
        'orientation': 'RAS',
        'patchSize': list(reversed([int(p) for p in patch_zyx])),
        'layout': 'NCDHW',
        'intensity': {'clipLowHu': props['percentile_00_5'], 'clipHighHu': props['percentile_99_5'], 'meanHu': props['mean'], 'sdHu': props['std']},
        'classes': classes,
        'accumulate': 'logits',
        'mirrorAxes': mirror,
        'stepFraction': 0.5,
        'maxBatch': args.max_batch,
    }
    with open(os.path.join(args.out, 'model.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    print(f'wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes, sha256 {sha}) and model.json with {len(classes)} classes')
    return 0


if __name__ == '__main__':
    sys.exit(main())
