import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { gctError } from './errors.ts';

/**
 * The one configuration object. Every field has a default and a one-line doc with its unit.
 * Only `cli` and `service` call `loadConfig`; stages receive the slice they need as an argument.
 */
export const ConfigSchema = z.object({
  volume: z
    .object({
      /**
       * Largest decompressed payload accepted from one file, in bytes (gzip-bomb guard). At most 2 GiB - 1, the
       * largest file Node's fs.readFile returns: a 512 x 512 x 2000 int16 CT is 1 GiB.
       */
      maxDecompressedBytes: z.number().int().positive().max(2 ** 31 - 1).default(2 ** 31 - 1),
      /** Largest voxel count accepted for one volume. */
      maxVoxels: z.number().int().positive().default(1024 * 1024 * 1024),
      /** Distance in mm within which two grids' voxel centres count as the same grid. */
      gridToleranceMm: z.number().positive().default(0.01),
      /** Relative tolerance on DICOM slice spacing before a series counts as having a gap (0.1 = 10 %). */
      sliceSpacingTolerance: z.number().positive().default(0.1),
    })
    .prefault({}),
  measure: z
    .object({
      /** Lesion components smaller than this, in mm3, are noise and dropped (RadGPT: 50 mm3). */
      minLesionVolumeMm3: z.number().nonnegative().default(50),
    })
    .prefault({}),
  segment: z
    .object({
      /** onnxruntime intra-op threads for a segmentation model. */
      threads: z.number().int().positive().default(1),
      /** TotalSegmentator engine (--segmenter totalsegmentator): the command, a name looked up on PATH or a path. */
      totalSegmentatorCommand: z.string().min(1).default('TotalSegmentator'),
      /** Time limit per TotalSegmentator task, ms (CPU runs of the total task take minutes). */
      engineTimeoutMs: z.number().int().positive().default(3_600_000),
    })
    .prefault({}),
  /**
   * Who words the narrative. 'template' (default): the Jinja templates in prompts/, no network. 'openai-compatible':
   * an LLM behind POST <baseUrl>/chat/completions (a hosted API, vLLM, llama.cpp, or Ollama's /v1) at temperature 0,
   * which may only rephrase; every sentence it returns is checked against the findings and replaced by the template
   * sentence when it fails. The API key comes from GROUNDCT_NARRATOR__API_KEY or the config file, never a flag.
   */
  narrator: z
    .object({
      kind: z.enum(['template', 'openai-compatible']).default('template'),
      baseUrl: z.string().url().optional(),
      model: z.string().optional(),
      apiKey: z.string().optional(),
      /** Per-request timeout, ms. */
      timeoutMs: z.number().int().positive().default(120_000),
    })
    .refine((n) => n.kind === 'template' || (n.baseUrl !== undefined && n.model !== undefined), { message: "narrator.kind 'openai-compatible' needs narrator.baseUrl and narrator.model" })
    .prefault({}),
  /** DICOMweb PACS credentials (groundct pacs pull). Never logged or printed; prefer GROUNDCT_PACS__PASSWORD. */
  pacs: z
    .object({
      /** DICOMweb base URL, e.g. http://pacs:8042/dicom-web: the service's default, and the only origin the credentials are sent to. */
      url: z.string().optional(),
      username: z.string().optional(),
      password: z.string().optional(),
      /** Per-request timeout, ms. */
      timeoutMs: z.number().int().positive().default(60_000),
    })
    .prefault({}),
  /** Where the service keeps its database and files. */
  dataDir: z.string().default('.groundct-data'),
  service: z
    .object({
      /** Interface the HTTP server binds to; loopback unless a deployment opens it on purpose. */
      host: z.string().default('127.0.0.1'),
      /** TCP port of the HTTP server (0 = an ephemeral port chosen by the OS). */
      port: z.number().int().min(0).max(65535).default(8080),
      limits: z
        .object({
          /** Largest upload accepted, all files of one request together, in bytes (413 above). */
          maxUploadBytes: z.number().int().positive().default(1024 ** 3),
          /** Largest decompressed size of one uploaded file or archive, in bytes (422 above). */
          maxDecompressedBytes: z.number().int().positive().max(2 ** 31 - 1).default(2 ** 31 - 1),
          /** Largest voxel count of an uploaded volume (422 above); 512 x 512 x 2000 = 524 288 000. */
          maxVoxels: z.number().int().positive().default(512 * 512 * 2000),
          /** Most entries one uploaded zip may hold (a DICOM series is one file per slice). */
          maxArchiveEntries: z.number().int().positive().default(10_000),
          /** Pipeline jobs run at the same time, each in its own worker thread. */
          concurrentJobs: z.number().int().positive().default(1),
        })
        .prefault({}),
      /** Times a job is started before a job interrupted by crashes is marked failed. */
      maxJobAttempts: z.number().int().positive().default(3),
      /** SHA-256 hex digests of extra accepted bearer tokens (e.g. from a secret store); `groundct token create` keeps its own in the database. */
      tokenSha256: z.array(z.string().regex(/^[0-9a-f]{64}$/)).default([]),
      /** Serve the study viewer page (/studies/:id/view). */
      viewer: z.boolean().default(true),
      /** Fastify log level ('silent' for none); request logs carry method, route and status, never patient data. */
      logLevel: z.enum(['silent', 'fatal', 'error', 'warn', 'info', 'debug']).default('info'),
    })
    .prefault({}),
});

export type Config = z.infer<typeof ConfigSchema>;
export type VolumeConfig = Config['volume'];
export type MeasureConfig = Config['measure'];
export type SegmentConfig = Config['segment'];
export type ServiceConfig = Config['service'];

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/**
 * Environment variables `GROUNDCT_<SECTION>__<FIELD>` (double underscore between levels), e.g.
 * `GROUNDCT_MEASURE__MIN_LESION_VOLUME_MM3=30`. Values are parsed as JSON when they parse, else kept as text.
 */
function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(env)) {
    if (!key.startsWith('GROUNDCT_') || raw === undefined || key === 'GROUNDCT_CONFIG' || key === 'GROUNDCT_DATA') continue;
    const path = key
      .slice('GROUNDCT_'.length)
      .split('__')
      .map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      /* keep as text */
    }
    let node = out;
    for (const p of path.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]] = value;
  }
  return out;
}

/**
 * Defaults <- config file (GROUNDCT_CONFIG or `file`) <- environment <- overrides (CLI flags), validated
 * once and deep-frozen. A bad config throws GCT_CONFIG_INVALID listing every failing field.
 */
export function loadConfig(
  options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: Record<string, unknown> } = {},
): Config {
  const env = options.env ?? process.env;
  let merged: Record<string, unknown> = {};
  const file = options.file ?? env.GROUNDCT_CONFIG;
  if (file) {
    try {
      merged = deepMerge(merged, JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>);
    } catch (cause) {
      throw gctError('GCT_CONFIG_INVALID', `Config file ${file} could not be read as JSON: ${(cause as Error).message}`, { file }, cause);
    }
  }
  merged = deepMerge(merged, fromEnv(env));
  if (options.overrides) merged = deepMerge(merged, options.overrides);
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ field: i.path.join('.'), problem: i.message }));
    throw gctError(
      'GCT_CONFIG_INVALID',
      `Invalid configuration: ${fields.map((f) => `${f.field}: ${f.problem}`).join('; ')}`,
      { fields },
    );
  }
  return deepFreeze(parsed.data);
}

/** The defaults alone, for library callers and tests. */
export function defaultConfig(): Config {
  return loadConfig({ env: {} });
}
