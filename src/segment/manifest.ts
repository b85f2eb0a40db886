/**
 * The manifest of an ONNX segmentation model: `model.json` beside `model.onnx` in a model folder.
 *
 * It states everything the preprocessing must reproduce from training (nnU-Net's plans file: spacing,
 * orientation, patch size, CT normalisation) and what the output channels mean. Isensee et al., "nnU-Net: a
 * self-configuring method for deep learning-based biomedical image segmentation", Nat Methods 18, 203-211
 * (2021), doi:10.1038/s41592-020-01008-z, describe these steps; the field names here are groundct's own.
 *
 * Axis convention: the model's voxel axes are called i, j, k with i fastest in memory, as everywhere in
 * groundct. `orientation` is their orientation code (see volume/geometry orientationCode): 'RAS' means i
 * increases toward the patient's right, j anterior, k superior. With `layout` 'NCDHW' the input tensor is
 * [batch, channel, k, j, i] (channels first; D = k, H = j, W = i), which is how nnU-Net sees an array read by
 * SimpleITK (z, y, x). `spacingMm` and `patchSize` are listed in i, j, k order.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { isCanonicalName } from '../anatomy/index.ts';
import { gctError } from '../errors.ts';

const ORIENTATION = /^(?=.*[RL])(?=.*[AP])(?=.*[SI])[RLAPSI]{3}$/;

export const IntensitySchema = z.object({
  /** Values are clipped to [clipLowHu, clipHighHu] first (nnU-Net: 0.5th and 99.5th foreground percentiles). */
  clipLowHu: z.number(),
  clipHighHu: z.number(),
  /** Then z-scored: (clipped - meanHu) / sdHu (nnU-Net CTNormalization: foreground mean and SD). */
  meanHu: z.number(),
  sdHu: z.number().positive(),
}).refine((v) => v.clipLowHu < v.clipHighHu, { message: 'clipLowHu must be below clipHighHu' });

const triple = <T extends z.ZodType>(t: T) => z.tuple([t, t, t]);

export const ModelManifestSchema = z.object({
  /** Stable id of the model, written into the provenance of every label map it makes. */
  id: z.string().min(1),
  /** Where the weights come from (paper, repository, export command). */
  source: z.string().min(1),
  licence: z.string().min(1),
  /** SHA-256 of model.onnx (hex); checked when the model is loaded. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Input voxel spacing in mm along the model's i, j, k axes. */
  spacingMm: triple(z.number().positive()),
  /** Orientation code of the model's i, j, k axes, e.g. 'RAS' (TotalSegmentator / nnU-Net on canonical NIfTI). */
  orientation: z.string().regex(ORIENTATION, 'three letters, one of R/L, one of A/P, one of S/I, e.g. RAS'),
  /** Sliding-window patch size in voxels along i, j, k. */
  patchSize: triple(z.number().int().positive()),
  /** Tensor layout; only channels-first [batch, channel, k, j, i] is supported. */
  layout: z.literal('NCDHW').default('NCDHW'),
  intensity: IntensitySchema,
  /** Output channel c is `classes[c]`; classes[0] must be 'background'. Other names: canonical anatomy names. */
  classes: z.array(z.string().min(1)).min(2),
  /** What is averaged across overlapping patches before argmax (nnU-Net v2 averages logits). */
  accumulate: z.enum(['logits', 'probabilities']).default('logits'),
  /** Test-time mirroring: model axes (0 = i, 1 = j, 2 = k) mirrored in every combination, predictions averaged. */
  mirrorAxes: z.array(z.number().int().min(0).max(2)).max(3).default([]),
  /** Fraction of the patch size between window positions (nnU-Net: 0.5, i.e. 50 % overlap). */
  stepFraction: z.number().gt(0).lte(1).default(0.5),
  /** Largest batch the exported graph accepts (1 for a graph exported with a fixed batch dimension). */
  maxBatch: z.number().int().positive().default(1),
}).superRefine((m, ctx) => {
  const letters = m.orientation.split('');
  if (new Set(letters.map((l) => 'RLAPSI'.indexOf(l) >> 1)).size !== 3) ctx.addIssue({ code: 'custom', path: ['orientation'], message: 'each world axis must appear once' });
  if (m.classes[0] !== 'background') ctx.addIssue({ code: 'custom', path: ['classes', 0], message: "channel 0 must be 'background'" });
  m.classes.slice(1).forEach((name, n) => {
    if (!isCanonicalName(name)) ctx.addIssue({ code: 'custom', path: ['classes', n + 1], message: `'${name}' is not a canonical anatomy name` });
  });
  if (new Set(m.classes).size !== m.classes.length) ctx.addIssue({ code: 'custom', path: ['classes'], message: 'class names must be unique' });
  if (new Set(m.mirrorAxes).size !== m.mirrorAxes.length) ctx.addIssue({ code: 'custom', path: ['mirrorAxes'], message: 'axes must be unique' });
});

export type ModelManifest = z.infer<typeof ModelManifestSchema>;

/** Parses a manifest object; every failing field is listed in one GCT_SEGMENT_MANIFEST_INVALID. */
export function parseModelManifest(raw: unknown, source: string): ModelManifest {
  const parsed = ModelManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ field: i.path.join('.'), problem: i.message }));
    throw gctError('GCT_SEGMENT_MANIFEST_INVALID', `Model manifest ${source} is invalid: ${fields.map((f) => `${f.field || '(root)'}: ${f.problem}`).join('; ')}`, { manifest: source, fields });
  }
  return parsed.data;
}

export async function readModelManifest(path: string): Promise<ModelManifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw gctError('GCT_SEGMENT_MODEL_NOT_FOUND', `Model manifest ${path} could not be read: ${(cause as Error).message}`, { manifest: path }, cause);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw gctError('GCT_SEGMENT_MANIFEST_INVALID', `Model manifest ${path} is not JSON: ${(cause as Error).message}`, { manifest: path }, cause);
  }
  return parseModelManifest(raw, path);
}
