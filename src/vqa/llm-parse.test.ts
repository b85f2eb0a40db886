import { FakeListChatModel } from '@langchain/core/utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveFindings } from '../findings/index.ts';
import { lesion, measurements, normalAbdomen, structure } from '../findings/test-fixtures.ts';
import { loadKnowledgeBase } from '../knowledge/index.ts';
import { ask } from './answer.ts';
import { makeVqaContext, type VqaContext } from './context.ts';
import { extractJsonObject, llmIntentParser } from './llm-parse.ts';
import { studyFromArtifacts } from './study.ts';

/** The LLM fallback: FakeListChatModel replies in turn; only a reply that validates as an Intent is answered. */
let ctx: VqaContext;
beforeAll(async () => {
  const kb = await loadKnowledgeBase();
  const m = measurements({
    structures: [...normalAbdomen(), structure('liver_lesion', { labelId: 210, volumeMl: 3, huMean: 20 })],
    lesions: [lesion({ labelId: 210, labelName: 'liver_lesion', lesionClass: 'liver_lesion', organ: 'liver', segments: ['liver_segment_6'], longAxisMm: 18, shortAxisMm: 15, volumeMl: 3, huMean: 20, attenuation: 'hypo' })],
  });
  ctx = makeVqaContext(studyFromArtifacts(m, deriveFindings(m, kb)), kb);
});

// The rule parser reads no question type here, so the fallback is asked.
const UNREADABLE = 'The hepatic thing, which Couinaud territory harbours it?';

describe('llmIntentParser', () => {
  it('answers the validated JSON intent (in a code fence) from the findings, not from the model text', async () => {
    const model = new FakeListChatModel({
      responses: ['Sure! ```json\n{"type": "location", "target": {"kind": "lesion", "organ": "liver", "lesionKind": "any"}}\n``` It is in segment 2.'],
    });
    const a = await ask(ctx, UNREADABLE, { fallback: llmIntentParser(model) });
    expect(a).toMatchObject({ answerable: true, parsedBy: 'llm', answer: 'Couinaud segment 6', findingIds: ['liver_lesion-1'] });
  });

  it('a reply that is not a valid intent leaves the question unparsed', async () => {
    const model = new FakeListChatModel({
      responses: [
        'It is in segment 6.',
        '{"type": "location", "target": {"kind": "lesion", "organ": "hepatic lobe", "lesionKind": "any"}}',
        '{"type": "volume", "structure": "liver"}',
      ],
    });
    const fallback = llmIntentParser(model);
    for (let n = 0; n < 3; n++) {
      const a = await ask(ctx, UNREADABLE, { fallback });
      expect(a).toMatchObject({ answerable: false, reason: 'unparsed', intent: null, findingIds: [], evidence: [] });
    }
  });

  it('the model may judge a question out of scope', async () => {
    const a = await ask(ctx, UNREADABLE, { fallback: llmIntentParser(new FakeListChatModel({ responses: ['{"type": "out_of_scope"}'] })) });
    expect(a).toMatchObject({ answerable: false, reason: 'out_of_scope' });
  });

  it('questions the rules read, or find out of scope, never reach the model', async () => {
    const model = new FakeListChatModel({ responses: ['{"type": "show", "target": {"kind": "structure", "structure": "spleen"}}'] });
    const fallback = llmIntentParser(model);
    expect(await ask(ctx, 'Is the liver lesion malignant?', { fallback })).toMatchObject({ reason: 'out_of_scope', parsedBy: null });
    expect(await ask(ctx, 'What is the spleen volume?', { fallback })).toMatchObject({ parsedBy: 'rules', value: 200 });
    expect(model.i).toBe(0);
  });

  it('a failing model call is GCT_VQA_LLM_FAILED', async () => {
    const model = new FakeListChatModel({ responses: ['x'] });
    model.invoke = async () => {
      throw new Error('connection refused');
    };
    await expect(ask(ctx, UNREADABLE, { fallback: llmIntentParser(model) })).rejects.toMatchObject({ code: 'GCT_VQA_LLM_FAILED' });
  });

  it('extractJsonObject takes the outermost braces and rejects non-JSON', () => {
    expect(extractJsonObject('a {"b": {"c": 1}} d')).toEqual({ b: { c: 1 } });
    expect(extractJsonObject('{not json}')).toBeUndefined();
    expect(extractJsonObject('no braces')).toBeUndefined();
  });
});
