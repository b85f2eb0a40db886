import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { gctError } from './errors.ts';

/**
 * The one configuration object. Every field has a default and a one-line doc with its unit.
 * Only `cli` and `service` call `loadConfig`; stages receive the slice they need as an argument.
 */
export const ConfigSchema = z.object({
  volume: z
    .object({
      /**
       * Largest decompressed payload accepted for one volume, in bytes (4 GiB, at most 4 GiB: the largest typed
       * array Node 20 makes): a 512 x 512 x 2000 int16 CT is 1 GiB. Every decompression is also bounded by what
       * the file's own header declares (voxels x bytes per voxel), checked before anything is allocated.
       */
      maxDecompressedBytes: z.number().int().positive().max(2 ** 32).default(2 ** 32),
      /** Largest voxel count accepted for one volume (600 M: 512 x 512 x 2289 slices), checked on the header before allocation. */
      maxVoxels: z.number().int().positive().default(600_000_000),
      /**
       * Largest DICOM data set without its pixel data, in bytes, once inflated (a deflated file's budget is this
       * plus the pixel bytes its Rows x Columns x BitsAllocated x frames declare). 64 MiB holds a SEG's per-frame
       * groups for tens of thousands of frames.
       */
      maxDicomHeaderBytes: z.number().int().positive().default(64 * 1024 * 1024),
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
      /**
       * Routine measurements (issue 16): vessel calibre (aorta, iliac and pulmonary arteries), vertebrae, lung
       * attenuation, body composition, calcium, kidney stones, dissection. false measures structures and lesions only.
       */
      routine: z.boolean().default(true),
      /**
       * Where the structure statistics and routine measurements run in a report: 'auto' on a worker thread beside the
       * lesion measurements for studies of 16 Mi voxels and more (both cores; measure/routine-thread.ts), 'always', or
       * 'never' (inline).
       */
      routineThread: z.enum(['auto', 'always', 'never']).default('auto'),
      /**
       * A lesion that lies in no organ mask and touches none takes the organ that borders it most within this gap,
       * mm, between the masks' faces (knowledge base groundct-lesion-organ-adjacency); 0 turns adjacency off.
       */
      lesionOrganMaxGapMm: z.number().nonnegative().max(20).default(3),
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
      /**
       * DICOMweb base URLs besides pacs.url that a service request may name in its `url` field; a request URL must
       * have the origin of one of them and start with its path. The CLI's `pacs pull --url` is not restricted.
       */
      allowedUrls: z.array(z.string().url()).default([]),
      /** Largest WADO-RS answer accepted (one series, all instances), bytes; the transfer stops beyond it. */
      maxRetrieveBytes: z.number().int().positive().default(4 * 1024 ** 3),
    })
    .prefault({}),
  /** FHIR R4 export. */
  fhir: z
    .object({
      /**
       * Validate every Bundle before it is written against the official FHIR R4 schema, the invariants of the R4
       * StructureDefinitions and the code systems (src/interop/fhir-validate.ts); ~3 s once per process. An invalid
       * Bundle stops the command with GCT_INTEROP_FHIR_INVALID.
       */
      validate: z.boolean().default(false),
    })
    .prefault({}),
  /**
   * Follow-up (src/followup): comparing a study with its priors. Alignment, matching and change thresholds are
   * groundct's method choices (knowledge-base passages groundct-followup-alignment, groundct-lesion-matching).
   */
  followup: z
    .object({
      /**
       * Secret key of the patient-ID hash written into study.json (HMAC-SHA256 of the ID's digest). Set a site
       * secret (GROUNDCT_FOLLOWUP__PATIENT_ID_KEY): with the public default, short IDs can be recovered by trying
       * them all. Studies compared with each other must have been reported with the same key.
       */
      patientIdKey: z.string().min(1).default('groundct-public-default-key'),
      /** Largest alignment residual accepted (landmark RMS or bone-surface RMS), mm; above it the comparison is refused. */
      maxAlignmentResidualMm: z.number().positive().default(10),
      /** Largest distance between aligned lesion centroids for a match without overlap, mm. */
      maxMatchDistanceMm: z.number().positive().default(20),
      /**
       * A lesion diameter or organ volume whose change stays under this share of its prior value (and, for diameters,
       * under one in-plane voxel diagonal) is called stable, %.
       */
      stableChangePercent: z.number().nonnegative().default(10),
      /** CT value from which a voxel counts as bone for the bone-surface alignment, HU. */
      boneSurfaceMinHu: z.number().default(300),
      /** Sampling step of the bone surface, mm (the CT is read every round(step / spacing) voxels). */
      boneSurfaceSampleMm: z.number().positive().default(2),
      /** Most bone-surface points kept per study (evenly thinned above it). */
      boneSurfaceMaxPoints: z.number().int().positive().default(20_000),
      /** A bone-surface point within this distance of the other study's surface after alignment is an inlier, mm. */
      icpInlierDistanceMm: z.number().positive().default(4),
      /** Least share of overlapping bone-surface points that must be inliers for the bone-surface alignment to count (0-1). */
      icpMinInlierFraction: z.number().min(0).max(1).default(0.5),
    })
    .prefault({}),
  /** Where the service keeps its database and files (embedded default), or its local caches (PostgreSQL). */
  dataDir: z.string().default('.groundct-data'),
  /**
   * Where the service keeps metadata, tokens and the job queue. 'sqlite' (default): `<dataDir>/groundct.sqlite`
   * and files under dataDir, one server process. 'postgres': a PostgreSQL database shared by any number of API
   * and worker processes, files under `blobsDir` (a folder every process mounts). Setting `url`
   * (GROUNDCT_STORAGE__URL=postgres://...) selects 'postgres' unless kind says otherwise.
   */
  storage: z
    .object({
      kind: z.enum(['sqlite', 'postgres']).optional(),
      /** PostgreSQL connection URL, e.g. postgres://groundct@db:5432/groundct (password in it or in PGPASSWORD). */
      url: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL').optional(),
      /** Shared folder of uploads and artifacts with PostgreSQL (a network file system in production); default `<dataDir>/blobs`. */
      blobsDir: z.string().optional(),
      /** Connections each process keeps open to PostgreSQL. */
      poolSize: z.number().int().positive().default(10),
      /** Migrate an older database schema at start (under a lock); false refuses to start on an older schema. */
      migrate: z.boolean().default(true),
      /**
       * Staging folders and unreferenced study folders older than this, in ms, are removed by the periodic sweep
       * (an upload cut off by a crashed API process); longer than any upload takes.
       */
      orphanGraceMs: z.number().int().nonnegative().default(15 * 60_000),
    })
    .transform((s) => ({ ...s, kind: s.kind ?? (s.url ? ('postgres' as const) : ('sqlite' as const)) }))
    .refine((s) => s.kind === 'sqlite' || s.url !== undefined, { message: "storage.kind 'postgres' needs storage.url (GROUNDCT_STORAGE__URL)" })
    .prefault({}),
  service: z
    .object({
      /** Interface the HTTP server binds to; loopback unless a deployment opens it on purpose. */
      host: z.string().default('127.0.0.1'),
      /** TCP port of the HTTP server (0 = an ephemeral port chosen by the OS). */
      port: z.number().int().min(0).max(65535).default(8080),
      /**
       * What this process does: 'all' (default) serves the API and runs jobs; 'api' serves the API only; 'worker'
       * runs jobs only (its HTTP server answers /healthz, /readyz and /metrics). 'api' and 'worker' need PostgreSQL.
       */
      role: z.enum(['all', 'api', 'worker']).default('all'),
      limits: z
        .object({
          /** Largest upload accepted, all files of one request together, in bytes (413 above). */
          maxUploadBytes: z.number().int().positive().default(1024 ** 3),
          /**
           * Largest total size of the files one upload leaves on disk once its archives are extracted, in bytes
           * (413 above; checked while extracting): 1.5 GiB holds a 512 x 512 x 2000 int16 DICOM series.
           */
          maxStoredBytesPerUpload: z.number().int().positive().default(1.5 * 1024 ** 3),
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
      /** Job leases and worker behaviour (issue 18). */
      jobs: z
        .object({
          /**
           * A worker holds a claimed job for this long, in ms, and renews the lease every third of it; a job whose
           * worker died is claimed again once its lease expires.
           */
          leaseMs: z.number().int().min(300).default(30_000),
          /** How often, in ms, a worker looks for queued jobs and expired leases when no notification came. */
          pollIntervalMs: z.number().int().min(50).default(1_000),
          /** On a graceful stop, running jobs get this long, in ms, to finish; then they are handed back to the queue. */
          shutdownGraceMs: z.number().int().nonnegative().default(10_000),
        })
        .prefault({}),
      /** Per-owner quotas (the owner is the principal of the token that uploaded the study). */
      quotas: z
        .object({
          /** Bytes of uploads (after extraction) and artifacts one owner may keep; an upload beyond it is refused with 413. */
          maxStoredBytesPerOwner: z.number().int().positive().default(50 * 1024 ** 3),
          /** Jobs of one owner queued or running at once; one more is refused with 429. */
          maxActiveJobsPerOwner: z.number().int().positive().default(50),
        })
        .prefault({}),
      /**
       * Prometheus metrics at GET /metrics: on `port` (its own listener on service.host, no token) when set, else
       * on the API port behind an admin token.
       */
      metrics: z
        .object({
          port: z.number().int().min(0).max(65535).optional(),
        })
        .prefault({}),
      /** SHA-256 hex digests of extra accepted bearer tokens (e.g. from a secret store); they are admin tokens (principal 'admin', see every study). `groundct token create` keeps its own in the database. */
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
export type FollowupConfig = Config['followup'];
export type StorageConfig = Config['storage'];

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
