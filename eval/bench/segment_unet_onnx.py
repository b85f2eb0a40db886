#!/usr/bin/python3
"""
Writes a 3D U-Net ONNX model with random weights, the size of a TotalSegmentator 'fast' network (nnU-Net
3d_fullres plan at 3 mm: 5 resolution levels, 32 base features doubling to 320, two 3x3x3 conv + instance
norm + leaky ReLU per level, strided-conv down, transposed-conv up, skip concatenation, 1x1x1 head with 118
classes), plus its model.json, for eval/bench/segment-onnx.ts. Weights are random: the output is meaningless,
only the speed is measured. Uses Debian's python3-onnx and numpy.

  /usr/bin/python3 eval/bench/segment_unet_onnx.py /tmp/groundct-bench-unet
"""
import hashlib, json, os, sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

FEATURES = [32, 64, 128, 256, 320]
CLASSES = 118
PATCH = [112, 112, 128]   # i, j, k
rng = np.random.default_rng(0)
nodes, inits = [], []


def w(name, shape, fan_in):
    inits.append(numpy_helper.from_array((rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32), name))
    return name


def conv_block(x, cin, cout, name, stride=1):
    y = f'{name}_conv'
    nodes.append(helper.make_node('Conv', [x, w(f'{name}_W', (cout, cin, 3, 3, 3), cin * 27), w(f'{name}_B', (cout,), 1e9)], [y], kernel_shape=[3, 3, 3], pads=[1] * 6, strides=[stride] * 3))
    inits.append(numpy_helper.from_array(np.ones(cout, np.float32), f'{name}_g'))
    inits.append(numpy_helper.from_array(np.zeros(cout, np.float32), f'{name}_b'))
    nodes.append(helper.make_node('InstanceNormalization', [y, f'{name}_g', f'{name}_b'], [f'{name}_n'], epsilon=1e-5))
    nodes.append(helper.make_node('LeakyRelu', [f'{name}_n'], [f'{name}_a'], alpha=0.01))
    return f'{name}_a'


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    x, cin, skips = 'input', 1, []
    for level, f in enumerate(FEATURES):
        x = conv_block(x, cin, f, f'enc{level}a', stride=1 if level == 0 else 2)
        x = conv_block(x, f, f, f'enc{level}b')
        skips.append((x, f))
        cin = f
    for level in range(len(FEATURES) - 2, -1, -1):
        f = FEATURES[level]
        up = f'up{level}'
        nodes.append(helper.make_node('ConvTranspose', [x, w(f'{up}_W', (cin, f, 2, 2, 2), cin * 8)], [up], kernel_shape=[2, 2, 2], strides=[2, 2, 2]))
        nodes.append(helper.make_node('Concat', [up, skips[level][0]], [f'cat{level}'], axis=1))
        x = conv_block(f'cat{level}', 2 * f, f, f'dec{level}a')
        x = conv_block(x, f, f, f'dec{level}b')
        cin = f
    nodes.append(helper.make_node('Conv', [x, w('head_W', (CLASSES, cin, 1, 1, 1), cin), w('head_B', (CLASSES,), 1e9)], ['logits'], kernel_shape=[1, 1, 1]))
    graph = helper.make_graph(nodes, 'unet_fast_size', [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['N', 1, PATCH[2], PATCH[1], PATCH[0]])],
                              [helper.make_tensor_value_info('logits', TensorProto.FLOAT, ['N', CLASSES, PATCH[2], PATCH[1], PATCH[0]])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='groundct bench')
    model.ir_version = 8
    path = os.path.join(out_dir, 'model.onnx')
    onnx.save(model, path)
    params = sum(int(np.prod(t.dims)) for t in inits)
    # Output names: TotalSegmentator's 117 'total' classes (canonical anatomy names), from the shared data.
    repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
    data = os.environ.get('GROUNDCT_TEST_DATA', os.path.join(repo, '..', 'shared', 'data'))
    label_map = json.load(open(os.path.join(data, 'totalseg', 'label_map_total_v2.json')))
    names = [label_map[str(c)] for c in range(1, CLASSES)]
    manifest = dict(id='bench-unet-fast-size', source=f'random weights, eval/bench/segment_unet_onnx.py ({params} parameters)', licence='Apache-2.0',
                    sha256=hashlib.sha256(open(path, 'rb').read()).hexdigest(), spacingMm=[3.0, 3.0, 3.0], orientation='RAS', patchSize=PATCH,
                    layout='NCDHW', intensity=dict(clipLowHu=-1004.0, clipHighHu=1588.0, meanHu=-50.4, sdHu=503.4),
                    classes=['background'] + names, accumulate='logits', mirrorAxes=[], stepFraction=0.5, maxBatch=1)
    json.dump(manifest, open(os.path.join(out_dir, 'model.json'), 'w'), indent=2)
    print(path, params, 'parameters')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else '/tmp/groundct-bench-unet')
