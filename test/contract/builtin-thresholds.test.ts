/**
 * The built-in segmenter runs before the knowledge base is loaded, so its thresholds are constants; each one a
 * passage also states must say the same number, so that reports cite what the code does.
 */
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase, thresholdValue } from '../../src/knowledge/index.ts';
import { EFFUSION_MAX_HU, EFFUSION_MIN_HU, NODULE_EDGE_HU, NODULE_SOLID_HU } from '../../src/segment/builtin/thresholds.ts';

describe('built-in segmenter thresholds agree with the passages that state them', () => {
  it('effusion range and nodule solid / edge thresholds', async () => {
    const kb = await loadKnowledgeBase();
    expect(thresholdValue(kb, 'pleural-effusion-attenuation', 'effusionMinHu')).toBe(EFFUSION_MIN_HU);
    expect(thresholdValue(kb, 'pleural-effusion-attenuation', 'effusionMaxHu')).toBe(EFFUSION_MAX_HU);
    expect(thresholdValue(kb, 'subsolid-solid-component-threshold', 'solidComponentHighHu')).toBe(NODULE_SOLID_HU);
    expect(thresholdValue(kb, 'subsolid-solid-component-threshold', 'solidComponentLowHu')).toBe(NODULE_EDGE_HU);
  });
});
