import { mkdtemp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NARRATOR_PROMPTS } from './narrate-llm.ts';
import { TEMPLATES } from './sentence-plan.ts';
import { DEFAULT_PROMPTS_DIR, loadTemplates, renderSentence, templateKey } from './templates.ts';

async function promptsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'groundct-prompts-'));
  await mkdir(path.join(dir, 'report'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, 'report', name), text);
  return dir;
}

describe('prompt templates', () => {
  it('every template the code references exists, and every template file is referenced', async () => {
    const t = await loadTemplates();
    const referenced = [...Object.values(TEMPLATES), ...Object.values(NARRATOR_PROMPTS)].map(templateKey).sort();
    expect([...t.byKey.keys()].sort()).toEqual(referenced);
    // Compiled on first use in a report; here every one of them, so a syntax error in prompts/ fails this test.
    for (const lazy of t.byKey.values()) expect(typeof lazy.template.render, lazy.file).toBe('function');
    const files = [...(await readdir(path.join(DEFAULT_PROMPTS_DIR, 'report'))), ...(await readdir(path.join(DEFAULT_PROMPTS_DIR, 'llm')))];
    expect(files.filter((f) => f.endsWith('.jinja') && f !== '_macros.jinja').length).toBe(referenced.length);
  });

  it('renders one clean sentence with the shared macros', async () => {
    const dir = await promptsDir({
      '_macros.jinja': "{%- macro and_list(items) -%}{%- for x in items -%}{%- if not loop.first -%}{{ ' and ' if loop.last else ', ' }}{%- endif -%}{{ x }}{%- endfor -%}{%- endmacro -%}",
      'demo.v2.jinja': '{# id: demo version: 2 -- test #}\n  the  {{ and_list(organs) }}\n are   imaged ',
    });
    const t = await loadTemplates(dir);
    expect(renderSentence(t, { id: 'demo', version: 2 }, { organs: ['liver', 'spleen', 'left kidney'] })).toBe('The liver, spleen and left kidney are imaged.');
  });

  it('rejects a header that does not match the file name, a bad name, bad syntax, an empty render and a missing template', async () => {
    const code = expect.objectContaining({ code: 'GCT_REPORT_TEMPLATE_INVALID' });
    await expect(loadTemplates(await promptsDir({ 'demo.v1.jinja': '{# id: other version: 1 #}x' }))).rejects.toThrow(code);
    await expect(loadTemplates(await promptsDir({ 'Demo_1.jinja': '{# id: demo version: 1 #}x' }))).rejects.toThrow(code);
    // Bad Jinja is reported when the template is first compiled, i.e. rendered.
    const broken = await loadTemplates(await promptsDir({ 'demo.v1.jinja': '{# id: demo version: 1 #}{% if %}' }));
    expect(() => renderSentence(broken, { id: 'demo', version: 1 }, {})).toThrow(expect.objectContaining({ code: 'GCT_REPORT_TEMPLATE_INVALID', message: expect.stringContaining('Jinja syntax error') }));
    const t = await loadTemplates(await promptsDir({ 'demo.v1.jinja': '{# id: demo version: 1 #}{{ x }}' }));
    expect(() => renderSentence(t, { id: 'demo', version: 1 }, { x: '' })).toThrow(code);
    expect(() => renderSentence(t, { id: 'demo', version: 9 }, {})).toThrow(code);
  });
});
