/**
 * What a failed job stores and answers: the error's code, message, hint and details without server paths and
 * without free text taken from the study.
 *
 * The readers name the files they fail on, which is what a CLI user needs; on the server those names are
 * absolute paths under the data directory (its layout is nobody's business but the server's). A path inside the
 * study's folder becomes relative to its input/ or artifacts/ folder (`ct-dicom/slice-00003.dcm`), any other
 * absolute path `<server path>`. Detail keys that hold free text copied from DICOM (SeriesDescription, names)
 * are dropped; the readers keep such text out of messages (dicom-series.ts), this is the second line.
 */
import type { ErrorBody } from '../storage/types.ts';

/** Detail keys whose values are free text from a study, never returned or stored. */
const FREE_TEXT_KEYS = new Set(['description', 'seriesDescription', 'studyDescription', 'patientName', 'patientId', 'names', 'text']);
/** Largest string, array and nesting kept in stored details (errors are read by people, not archived data). */
const MAX_STRING = 500;
const MAX_ITEMS = 20;
const MAX_DEPTH = 4;

/** An absolute POSIX path: '/' then at least one segment (no spaces), e.g. /srv/groundct/data/x.nii.gz; not a URL's path. */
const ABSOLUTE_PATH = /(?<![\w.~:/-])\/(?:[^\s/'"`:;,()<>]+\/?)+/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function sanitizeText(text: string, studyDir: string): string {
  const dir = studyDir.replace(/\/+$/, '');
  let out = text;
  for (const sub of ['input', 'artifacts']) out = out.replace(new RegExp(`${escapeRegExp(`${dir}/${sub}`)}/?`, 'g'), '');
  out = out.replace(new RegExp(`${escapeRegExp(dir)}/?`, 'g'), '');
  return out.replace(ABSOLUTE_PATH, '<server path>').slice(0, 4 * MAX_STRING);
}

function sanitizeValue(value: unknown, studyDir: string, depth: number): unknown {
  if (typeof value === 'string') return sanitizeText(value, studyDir).slice(0, MAX_STRING);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (depth >= MAX_DEPTH) return undefined;
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => sanitizeValue(v, studyDir, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, MAX_ITEMS)) {
      if (FREE_TEXT_KEYS.has(k)) continue;
      const clean = sanitizeValue(v, studyDir, depth + 1);
      if (clean !== undefined) out[k] = clean;
    }
    return out;
  }
  return undefined;
}

/** The error body of a failed job as it may be stored and returned (see the file comment). */
export function sanitizeJobError(body: ErrorBody, studyDir: string): ErrorBody {
  return {
    code: body.code,
    message: sanitizeText(body.message, studyDir),
    hint: body.hint,
    details: (sanitizeValue(body.details, studyDir, 0) as Record<string, unknown>) ?? {},
  };
}
