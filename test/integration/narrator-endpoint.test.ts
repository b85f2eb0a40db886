import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { abdomenPreset, generateStudy } from '../../src/phantom/index.ts';
import { openPipelineResources, reportFromStudy } from '../../src/pipeline.ts';

/**
 * The configured LLM narrator end to end: an OpenAI-compatible endpoint on loopback (a stand-in for a hosted
 * API or Ollama) rephrases every sentence, but plants a wrong side in the kidney cyst sentence and invents a
 * sentence. The pipeline must send temperature 0 and the API key, keep the faithful rephrasings and replace the
 * planted ones by their template sentences.
 */
let server: Server;
let baseUrl: string;
const seen: { temperature?: number; authorization?: string; model?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const json = JSON.parse(body) as { model: string; temperature: number; messages: { role: string; content: string }[] };
      seen.push({ temperature: json.temperature, authorization: req.headers.authorization, model: json.model });
      const user = json.messages.find((m) => m.role === 'user')!.content;
      const lines = [...user.matchAll(/^\[(s\d+)\] (.*)$/gm)].map(([, id, text]) => {
        // Every sentence comes back as written (a faithful rephrasing) except the planted wrong side.
        const t = /cyst in the left kidney/.test(text) ? text.replace('left kidney', 'right kidney') : text;
        return `[${id}] ${t}`;
      });
      lines.push('[s999] There is also a small hepatic haemangioma.');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: lines.join('\n') } }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('LLM narrator over an OpenAI-compatible endpoint (configured)', () => {
  it('keeps faithful sentences, replaces a wrong side and drops an invented sentence, at temperature 0', async () => {
    const config = loadConfig({ env: {}, overrides: { narrator: { kind: 'openai-compatible', baseUrl, model: 'test-model', apiKey: 'k-123' }, dataDir: mkdtempSync(join(tmpdir(), 'gct-narrator-')) } });
    const study = generateStudy(abdomenPreset());
    const result = await reportFromStudy({ ct: study.ct, labels: study.labels }, { ctPath: 'phantom', masksPaths: ['phantom'], phase: 'non-contrast' }, config, await openPipelineResources(config));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({ temperature: 0, authorization: 'Bearer k-123', model: 'test-model' });
    const narrator = result.report.narrator as { kind: string; replaced: { sentenceId: string; reasons: string[] }[] };
    expect(narrator.kind).toBe('llm');
    const cyst = result.report.sentences.find((s) => /cyst in the/.test(s.text) && s.section === 'findings')!;
    expect(cyst.text).toContain('left kidney');
    expect(narrator.replaced.map((r) => r.sentenceId)).toContain(cyst.id);
    expect(result.markdown).not.toContain('haemangioma');
    for (const s of result.report.sentences) expect(s.citations!.length).toBeGreaterThan(0);
  });

  it('a narrator config without an endpoint is refused at load with GCT_CONFIG_INVALID', () => {
    expect(() => loadConfig({ env: { GROUNDCT_NARRATOR__KIND: 'openai-compatible' } })).toThrow(/narrator/);
  });
});
