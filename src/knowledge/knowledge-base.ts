import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { gctError } from '../errors.ts';

/**
 * The knowledge base: curated passages in the project's own words, one Markdown file per passage under
 * knowledge-base/passages/<id>.md. Findings cite passages by id (never by copied text); rules take their
 * thresholds from the passage they cite through `thresholdValue`, so a number lives in exactly one place.
 *
 * File format (documented in knowledge-base/README.md): a front matter block between two `---` lines, then
 * the body. The front matter is either a JSON object, or a strict YAML subset parsed here:
 *   key: scalar                       scalar = "double quoted" | 'single quoted' | number | plain text
 *   key: [a, "b c", 3]                flow list of scalars
 *   key:                              block map (one level), indented two spaces
 *     sub: scalar
 *   key:                              block list of scalars or of one-level maps
 *     - scalar
 *     - name: x
 *       value: 1
 * Anything else (tabs, anchors, multi-line strings, deeper nesting, duplicate keys) is rejected, so a file
 * that loads here also means the same thing to a YAML reader.
 */

/** Stable kebab-case id: lower-case letters and digits in groups joined by single hyphens. */
export const PASSAGE_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const kebab = z.string().regex(PASSAGE_ID_PATTERN, 'expected kebab-case (e.g. recist11-target-lesion)');

export const PassageSourceSchema = z
  .object({
    /** Personal authors, e.g. "Eisenhauer EA, Therasse P, et al.". Either this or `body` is required. */
    authors: z.string().min(1).optional(),
    /** Issuing body when there are no personal authors, e.g. "American College of Radiology". */
    body: z.string().min(1).optional(),
    title: z.string().min(1),
    year: z.number().int().min(1900).max(2100),
    journal: z.string().min(1).optional(),
    publisher: z.string().min(1).optional(),
    /** Only DOIs we are sure of; without one, journal/publisher and year identify the work. */
    doi: z.string().regex(/^10\.\d{4,9}\/\S+$/, 'expected a bare DOI such as 10.1148/radiol.2017161659').optional(),
    /** PubMed identifier (digits only), for sources without a DOI or as a second handle. */
    pmid: z
      .preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().regex(/^[1-9]\d{0,8}$/, 'expected a PubMed id of digits only, e.g. 28240562'))
      .optional(),
    url: z.url().optional(),
    section: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => s.authors !== undefined || s.body !== undefined, { message: 'needs authors or body', path: ['authors'] })
  .refine((s) => s.doi !== undefined || s.url !== undefined || s.journal !== undefined || s.publisher !== undefined, {
    message: 'needs at least one of doi, url, journal, publisher',
    path: ['doi'],
  });

/**
 * `literature`: what a published source (guideline, consensus statement, validation study) says, identified by
 * its DOI and/or PubMed id; `method`: how groundct measures or decides (its source names the work the method
 * follows). Report sentences must cite literature; method passages are shown as "method".
 */
export const PassageKindSchema = z.enum(['literature', 'method']);
export type PassageKind = z.infer<typeof PassageKindSchema>;

export const PassageThresholdSchema = z
  .object({
    /** camelCase with the unit in the name where it has one, e.g. `enlargedVolumeCm3`. */
    name: z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'expected camelCase'),
    value: z.number().finite(),
    /** Unit of `value`: cm3, mm3, mm, cm, HU, deg, %, ratio, count. */
    unit: z.string().min(1),
    meaning: z.string().min(1),
  })
  .strict();

export const PassageSchema = z
  .object({
    id: kebab,
    title: z.string().min(1),
    topics: z.array(kebab).min(1),
    /** literature | method (PassageKindSchema); required. */
    kind: PassageKindSchema,
    source: PassageSourceSchema,
    thresholds: z.array(PassageThresholdSchema).default([]),
    /** Ids of other passages a reader should see with this one; each must exist. */
    related: z.array(kebab).default([]),
    /** The passage text in our own words (2-6 sentences). */
    body: z.string().min(80, 'body is too short (at least 80 characters)').max(2000, 'body is too long (at most 2000 characters)'),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.thresholds.forEach((t, i) => {
      if (seen.has(t.name)) ctx.addIssue({ code: 'custom', message: `duplicate threshold name '${t.name}'`, path: ['thresholds', i, 'name'] });
      seen.add(t.name);
    });
  });

export type Passage = z.infer<typeof PassageSchema>;
export type PassageSource = z.infer<typeof PassageSourceSchema>;
export type PassageThreshold = z.infer<typeof PassageThresholdSchema>;

export interface KnowledgeBase {
  readonly passages: readonly Passage[];
  readonly byId: ReadonlyMap<string, Passage>;
  /** sha256 (hex) over the sorted passage files' names and bytes; changes whenever any passage changes. */
  readonly contentHash: string;
}

/** knowledge-base/passages at the repository root, found relative to this file. */
export const DEFAULT_PASSAGES_DIR = fileURLToPath(new URL('../../knowledge-base/passages/', import.meta.url));

/** Loads and validates every `*.md` passage in `dir`; throws GCT_KB_* errors naming the file and field. */
export async function loadKnowledgeBase(dir: string = DEFAULT_PASSAGES_DIR): Promise<KnowledgeBase> {
  // Read synchronously: about two hundred small files that ship with the package. Awaited one after another, each
  // open/read/close was a thread-pool round trip queued behind the CT's inflate (~100 ms of a report's start).
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.md')).sort();
  } catch (cause) {
    throw gctError('GCT_KB_NOT_FOUND', `Knowledge-base folder ${dir} cannot be read.`, { dir }, cause);
  }
  if (names.length === 0) throw gctError('GCT_KB_NOT_FOUND', `Knowledge-base folder ${dir} holds no .md passage.`, { dir });

  const hash = createHash('sha256');
  const passages: Passage[] = [];
  const fileOf = new Map<string, string>();
  for (const name of names) {
    const text = readFileSync(path.join(dir, name), 'utf8');
    hash.update(name).update('\0').update(text).update('\0');
    const passage = parsePassage(text, name);
    const previous = fileOf.get(passage.id);
    if (previous !== undefined) {
      throw gctError('GCT_KB_DUPLICATE_ID', `Passage id '${passage.id}' is declared by both ${previous} and ${name}.`, {
        id: passage.id,
        files: [previous, name],
      });
    }
    // Checked after the duplicate test so that a copied file is reported as the duplicate it is.
    if (`${passage.id}.md` !== name) throw invalid(name, 'id', `id '${passage.id}' must equal the file name without .md`);
    fileOf.set(passage.id, name);
    passages.push(passage);
  }
  const byId = new Map(passages.map((p) => [p.id, p]));
  for (const p of passages) {
    for (const r of p.related) {
      if (!byId.has(r)) throw invalid(fileOf.get(p.id)!, 'related', `related id '${r}' names no passage`);
    }
  }
  return { passages, byId, contentHash: hash.digest('hex') };
}

/** Parses and validates one passage file (`fileName` only labels errors; the loader checks it equals `<id>.md`). */
export function parsePassage(text: string, fileName: string): Passage {
  const { data, body } = splitFrontMatter(text, fileName);
  const result = PassageSchema.safeParse({ ...data, body });
  if (!result.success) {
    // An unknown key is reported at its parent; name the key itself so the field points at the offending line.
    const fieldOf = (i: z.core.$ZodIssue) => [...i.path, ...(i.code === 'unrecognized_keys' ? i.keys.slice(0, 1) : [])].join('.') || '(root)';
    const issues = result.error.issues.map((i) => `${fieldOf(i)}: ${i.message}`);
    const field = fieldOf(result.error.issues[0]);
    throw gctError('GCT_KB_PASSAGE_INVALID', `Passage ${fileName} is invalid: ${issues.join('; ')}.`, { file: fileName, field, issues });
  }
  return result.data;
}

/** The passage with this id; throws GCT_KB_REFERENCE_UNKNOWN when the knowledge base has none. */
export function requirePassage(kb: KnowledgeBase, passageId: string): Passage {
  const p = kb.byId.get(passageId);
  if (p === undefined) throw gctError('GCT_KB_REFERENCE_UNKNOWN', `No knowledge-base passage has id '${passageId}'.`, { passageId });
  return p;
}

/** A named threshold of a passage, with its unit and meaning. */
export function requireThreshold(kb: KnowledgeBase, passageId: string, name: string): PassageThreshold {
  const p = requirePassage(kb, passageId);
  const t = p.thresholds.find((x) => x.name === name);
  if (t === undefined) {
    throw gctError(
      'GCT_KB_REFERENCE_UNKNOWN',
      `Passage '${passageId}' has no threshold '${name}'; it has: ${p.thresholds.map((x) => x.name).join(', ') || 'none'}.`,
      { passageId, name, available: p.thresholds.map((x) => x.name) },
    );
  }
  return t;
}

/** The numeric value of a passage threshold (in the unit the passage states), so rules cite what they use. */
export function thresholdValue(kb: KnowledgeBase, passageId: string, name: string): number {
  return requireThreshold(kb, passageId, name).value;
}

// ---------------------------------------------------------------------------------------------------------
// Front matter: a strict YAML subset (or JSON), see the header comment.

function invalid(file: string, field: string, problem: string, line?: number) {
  const where = line === undefined ? '' : ` (line ${line})`;
  return gctError('GCT_KB_PASSAGE_INVALID', `Passage ${file}${where}, field '${field}': ${problem}.`, { file, field, ...(line === undefined ? {} : { line }) });
}

function splitFrontMatter(raw: string, file: string): { data: Record<string, unknown>; body: string } {
  const text = raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  if (lines[0] !== '---') throw invalid(file, 'front matter', "the file must start with a '---' line", 1);
  const end = lines.indexOf('---', 1);
  if (end < 0) throw invalid(file, 'front matter', "no closing '---' line");
  const fm = lines.slice(1, end);
  const body = lines.slice(end + 1).join('\n').trim();
  if (fm.join('').trim().startsWith('{')) {
    try {
      const data: unknown = JSON.parse(fm.join('\n'));
      if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('not an object');
      return { data: data as Record<string, unknown>, body };
    } catch (e) {
      throw invalid(file, 'front matter', `JSON front matter does not parse (${(e as Error).message})`);
    }
  }
  return { data: parseYamlSubset(fm, file, 2), body };
}

interface Line {
  readonly no: number;
  readonly indent: number;
  readonly text: string;
}

const KEY_LINE = /^([A-Za-z][A-Za-z0-9_]*):(?: (.*))?$/;

function parseYamlSubset(rawLines: string[], file: string, firstLineNo: number): Record<string, unknown> {
  const lines: Line[] = [];
  rawLines.forEach((l, i) => {
    const no = i + firstLineNo;
    if (l.includes('\t')) throw invalid(file, 'front matter', 'tab characters are not allowed; indent with spaces', no);
    const trimmed = l.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    lines.push({ no, indent: l.length - l.trimStart().length, text: l.trimEnd().trimStart() });
  });

  const out: Record<string, unknown> = {};
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.indent !== 0) throw invalid(file, 'front matter', 'unexpected indentation', line.no);
    const m = KEY_LINE.exec(line.text);
    if (!m) throw invalid(file, 'front matter', `expected 'key: value', got '${line.text}'`, line.no);
    const key = m[1];
    if (key in out) throw invalid(file, key, 'duplicate key', line.no);
    i++;
    if (m[2] !== undefined && m[2].trim() !== '') {
      out[key] = parseValue(m[2].trim(), file, key, line.no);
      continue;
    }
    const block: Line[] = [];
    while (i < lines.length && lines[i].indent > 0) block.push(lines[i++]);
    if (block.length === 0) throw invalid(file, key, 'empty value', line.no);
    out[key] = block[0].text.startsWith('- ') || block[0].text === '-' ? parseBlockList(block, file, key) : parseBlockMap(block, block[0].indent, file, key);
  }
  return out;
}

function parseBlockMap(block: readonly Line[], indent: number, file: string, key: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const line of block) {
    if (line.indent !== indent) throw invalid(file, key, 'inconsistent indentation (nested maps go one level deep)', line.no);
    const m = KEY_LINE.exec(line.text);
    if (!m || m[2] === undefined || m[2].trim() === '') throw invalid(file, key, `expected 'name: value', got '${line.text}'`, line.no);
    if (m[1] in out) throw invalid(file, `${key}.${m[1]}`, 'duplicate key', line.no);
    out[m[1]] = parseValue(m[2].trim(), file, `${key}.${m[1]}`, line.no);
  }
  return out;
}

function parseBlockList(block: readonly Line[], file: string, key: string): unknown[] {
  const indent = block[0].indent;
  const items: unknown[] = [];
  let j = 0;
  while (j < block.length) {
    const line = block[j];
    if (line.indent !== indent || !line.text.startsWith('- ')) throw invalid(file, key, `expected '- item' at indent ${indent}`, line.no);
    const rest = line.text.slice(2).trim();
    j++;
    const m = KEY_LINE.exec(rest);
    if (m === null) {
      items.push(parseValue(rest, file, `${key}[${items.length}]`, line.no));
      continue;
    }
    // A map item: its first pair follows '- ', the others sit two spaces deeper than the dash.
    const mapLines: Line[] = [{ no: line.no, indent: indent + 2, text: rest }];
    while (j < block.length && block[j].indent > indent) mapLines.push(block[j++]);
    items.push(parseBlockMap(mapLines, indent + 2, file, `${key}[${items.length}]`));
  }
  return items;
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

function parseValue(v: string, file: string, field: string, no: number): unknown {
  if (v.startsWith('[')) {
    if (!v.endsWith(']')) throw invalid(file, field, "a flow list must end with ']' on the same line", no);
    const inner = v.slice(1, -1).trim();
    if (inner === '') return [];
    return splitFlow(inner, file, field, no).map((item) => parseScalar(item.trim(), file, field, no));
  }
  return parseScalar(v, file, field, no);
}

function parseScalar(v: string, file: string, field: string, no: number): string | number {
  if (v.startsWith('"')) {
    try {
      const s: unknown = JSON.parse(v);
      if (typeof s === 'string') return s;
    } catch {
      // fall through to the error below
    }
    throw invalid(file, field, `bad double-quoted string ${v}`, no);
  }
  if (v.startsWith("'")) {
    if (v.length < 2 || !v.endsWith("'") || v.slice(1, -1).replace(/''/g, '').includes("'")) {
      throw invalid(file, field, `bad single-quoted string ${v}`, no);
    }
    return v.slice(1, -1).replace(/''/g, "'");
  }
  if (NUMBER.test(v)) return Number(v);
  if (v === '') throw invalid(file, field, 'empty value', no);
  // Plain scalars that YAML would read differently (or reject) must be quoted.
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(v) || v.includes(': ') || v.endsWith(':') || v.includes(' #')) {
    throw invalid(file, field, `quote this value: ${v}`, no);
  }
  if (/^(true|false|yes|no|on|off|null|~)$/i.test(v)) throw invalid(file, field, `quote this value (YAML would not read it as text): ${v}`, no);
  return v;
}

function splitFlow(inner: string, file: string, field: string, no: number): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  for (let k = 0; k < inner.length; k++) {
    const c = inner[k];
    if (quote !== null) {
      current += c;
      if (c === '\\' && quote === '"') current += inner[++k] ?? '';
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === ',') {
      parts.push(current);
      current = '';
    } else if (c === '[' || c === ']' || c === '{' || c === '}') {
      throw invalid(file, field, 'nested flow collections are not allowed', no);
    } else current += c;
  }
  if (quote !== null) throw invalid(file, field, 'unterminated quoted string in list', no);
  parts.push(current);
  if (parts.some((p) => p.trim() === '')) throw invalid(file, field, 'empty list item', no);
  return parts;
}
