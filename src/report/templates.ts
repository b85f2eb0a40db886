import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from '@huggingface/jinja';
import { gctError } from '../errors.ts';

/**
 * Narrative templates: the wording is data, kept in prompts/ and reviewed like code. One Jinja file per
 * sentence kind, `prompts/<folder>/<id>.v<version>.jinja`, whose first line is a header comment
 * `{# id: <id> version: <version> ... #}` that must match the file name. `prompts/<folder>/_macros.jinja`
 * (optional) holds macros shared by that folder's templates and is prepended to each. Templates are referenced
 * in code by id + version, never by path, and rendered with @huggingface/jinja.
 *
 * Load once (`loadTemplates`), render many times (`renderSentence`).
 */

export interface TemplateRef {
  readonly id: string;
  readonly version: number;
}

/** '<id>@<version>', the form recorded in sentences and report provenance. */
export function templateKey(ref: TemplateRef): string {
  return `${ref.id}@${ref.version}`;
}

export interface LoadedTemplates {
  readonly dir: string;
  /**
   * Templates by '<id>@<version>', each compiled on first use and then kept: a report renders a dozen of the ~60,
   * and compiling them all took about 5 % of a report's CPU time (eval/results/cli-speed.md).
   */
  readonly byKey: ReadonlyMap<string, LazyTemplate>;
  /** Raw source by key (for the LLM prompt, which is sent as text). */
  readonly sourceByKey: ReadonlyMap<string, string>;
}

/** prompts/ at the repository root, found relative to this file. */
export const DEFAULT_PROMPTS_DIR = fileURLToPath(new URL('../../prompts/', import.meta.url));

const FILE_NAME = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.v(\d+)\.jinja$/;
const HEADER = /^\{#\s*id:\s*([a-z0-9-]+)\s+version:\s*(\d+)\b[\s\S]*?#\}/;

function templateError(file: string, problem: string, cause?: unknown) {
  return gctError('GCT_REPORT_TEMPLATE_INVALID', `Template ${file}: ${problem}.`, { file }, cause);
}

/** A template's text (shared macros + its own source), compiled by @huggingface/jinja when first needed. */
export class LazyTemplate {
  private compiled?: Template;

  constructor(
    private readonly text: string,
    /** '<folder>/<file>', for error messages. */
    readonly file: string,
  ) {}

  /** The compiled template; GCT_REPORT_TEMPLATE_INVALID on a Jinja syntax error. */
  get template(): Template {
    if (this.compiled === undefined) {
      try {
        this.compiled = new Template(this.text);
      } catch (cause) {
        throw templateError(this.file, `Jinja syntax error: ${(cause as Error).message}`, cause);
      }
    }
    return this.compiled;
  }
}

/**
 * Loads every template under `dir` (one level of sub-folders): names and headers are checked here, the Jinja is
 * compiled on first render (LazyTemplate).
 */
export async function loadTemplates(dir: string = DEFAULT_PROMPTS_DIR): Promise<LoadedTemplates> {
  const byKey = new Map<string, LazyTemplate>();
  const sourceByKey = new Map<string, string>();
  // Read synchronously: ~70 small files shipped with the package; awaited one by one, each was a thread-pool round
  // trip queued behind the study's inflates.
  let folders: string[];
  try {
    folders = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch (cause) {
    throw templateError(dir, 'the prompts folder cannot be read', cause);
  }
  for (const folder of folders) {
    const folderPath = path.join(dir, folder);
    const names = readdirSync(folderPath).filter((n) => n.endsWith('.jinja')).sort();
    const macros = names.includes('_macros.jinja') ? readFileSync(path.join(folderPath, '_macros.jinja'), 'utf8') : '';
    for (const name of names) {
      if (name === '_macros.jinja') continue;
      const rel = `${folder}/${name}`;
      const m = FILE_NAME.exec(name);
      if (m === null) throw templateError(rel, 'the file name must be <id>.v<version>.jinja (kebab-case id)');
      const source = readFileSync(path.join(folderPath, name), 'utf8');
      const h = HEADER.exec(source);
      if (h === null) throw templateError(rel, "the first line must be a header comment '{# id: <id> version: <n> ... #}'");
      if (h[1] !== m[1] || h[2] !== m[2]) throw templateError(rel, `the header says ${h[1]} v${h[2]} but the file name says ${m[1]} v${m[2]}`);
      const key = templateKey({ id: m[1], version: Number(m[2]) });
      if (byKey.has(key)) throw templateError(rel, `a second template has the key ${key}`);
      byKey.set(key, new LazyTemplate(macros + source, rel));
      sourceByKey.set(key, source);
    }
  }
  return { dir, byKey, sourceByKey };
}

/** Renders a template to raw text. Throws GCT_REPORT_TEMPLATE_INVALID for a missing template or a render error. */
export function renderTemplate(templates: LoadedTemplates, ref: TemplateRef, context: Record<string, unknown>): string {
  const key = templateKey(ref);
  const lazy = templates.byKey.get(key);
  if (lazy === undefined) throw templateError(key, `no template ${key} under ${templates.dir}; have ${[...templates.byKey.keys()].join(', ')}`);
  const t = lazy.template;
  try {
    return t.render(context);
  } catch (cause) {
    throw templateError(key, `render failed: ${(cause as Error).message}`, cause);
  }
}

/**
 * Renders one sentence: whitespace collapsed, no space before punctuation, first letter upper-case, a final
 * full stop. An empty result is a template bug (GCT_REPORT_TEMPLATE_INVALID).
 */
export function renderSentence(templates: LoadedTemplates, ref: TemplateRef, context: Record<string, unknown>): string {
  const raw = renderTemplate(templates, ref, context);
  let text = raw.replace(/\s+/g, ' ').replace(/\s+([,.;:)])/g, '$1').replace(/\(\s+/g, '(').trim();
  if (text === '') throw templateError(templateKey(ref), `rendered an empty sentence for ${JSON.stringify(context).slice(0, 200)}`);
  text = text[0].toUpperCase() + text.slice(1);
  if (!/[.!?]$/.test(text)) text += '.';
  return text;
}
