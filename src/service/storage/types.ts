/**
 * The storage seam of the service. Routes and the job queue see only these interfaces; the embedded default
 * (SQLite + files under the data directory) implements them, and a deployment that outgrows one machine can
 * implement them on PostgreSQL and object storage without touching the stages or the routes.
 *
 * Every method is async even where the embedded implementation is synchronous (better-sqlite3), so that a
 * networked implementation fits the same signatures.
 */
import type { ErrorCode } from '../../errors.ts';

export type JobState = 'queued' | 'running' | 'done' | 'failed';

/** The JSON body of an error, as the API answers it and as a failed job records it. */
export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
  readonly hint: string;
  readonly details: Record<string, unknown>;
}

/** One uploaded mask set, paths relative to the study's folder. */
export interface StoredMaskSet {
  readonly path: string;
  readonly format: 'nifti' | 'mask-folder' | 'dicom-seg';
  readonly labelMapPath?: string;
}

/**
 * A study that comes from a PACS (POST /v1/pacs/studies/:uid/report): the job retrieves these series into the
 * study's input folder (`ct`, and the first mask set when `segSeriesInstanceUid` is set) before running the
 * pipeline, and stores the SEG + SR it writes back into the PACS study unless `store` is false.
 */
export interface PacsSource {
  /** DICOMweb base URL, without credentials (they come from the configuration). */
  readonly url: string;
  readonly studyInstanceUid: string;
  readonly ctSeriesInstanceUid: string;
  readonly segSeriesInstanceUid?: string;
  readonly store: boolean;
}

/** What was uploaded (or is to be retrieved from a PACS), as files the pipeline reads; paths relative to the study's folder. */
export interface StoredInput {
  readonly ct: string;
  readonly ctFormat: 'nifti' | 'dicom-series';
  readonly masks: readonly StoredMaskSet[];
  readonly phase?: string;
  /** Set for a PACS study: the input files are retrieved by the job. */
  readonly pacs?: PacsSource;
  /**
   * Follow-up: the studies of this service to compare with, most recent first (the named prior, then its own
   * priors). Kept inside the input record (input_json), so no table changes.
   */
  readonly priorStudyIds?: readonly string[];
  /** Compare even when the patient-ID hashes differ (anonymised data); the report says identity was not checked. */
  readonly allowOtherPatient?: boolean;
}

export interface StudyRecord {
  readonly id: string;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  readonly input: StoredInput;
  /** Upload size, all files together, in bytes. */
  readonly uploadBytes: number;
}

export interface JobRecord {
  readonly id: string;
  readonly studyId: string;
  readonly state: JobState;
  /** Pipeline stage last reported ('queued' before the first report). */
  readonly stage: string;
  /** 0-100. */
  readonly percent: number;
  /** Times the job was started (claimed by a worker). */
  readonly attempts: number;
  readonly error: ErrorBody | null;
  /** What a finished job reports beyond its artifacts (a PACS job: the UIDs it stored); null for none. */
  readonly result: Record<string, unknown> | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

/** A file a finished job produced: a JSON artifact, the report's Markdown, or a viewer volume. */
export interface ArtifactRecord {
  readonly studyId: string;
  /** Stable name: 'measurements', 'findings', 'report', 'report.md', 'volume.ct', 'volume.masks.0', 'masks.labels'. */
  readonly name: string;
  readonly contentType: string;
  /** Path relative to the study's folder. */
  readonly file: string;
  readonly bytes: number;
}

export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

/** Studies, jobs, artifacts and API tokens (the state a crash must not lose). */
export interface MetadataStore {
  /** Records a study and its first job atomically: after this resolves, the study is accepted. */
  createStudyWithJob(study: StudyRecord, jobId: string): Promise<JobRecord>;
  getStudy(id: string): Promise<StudyRecord | undefined>;
  /** Deletes the study with its jobs and artifacts; false when there was none. */
  deleteStudy(id: string): Promise<boolean>;
  listStudyIds(): Promise<string[]>;
  getJob(id: string): Promise<JobRecord | undefined>;
  latestJobOfStudy(studyId: string): Promise<JobRecord | undefined>;
  /** Moves the oldest queued job to 'running' and counts the attempt; undefined when none is queued. */
  claimNextJob(): Promise<JobRecord | undefined>;
  countQueuedJobs(): Promise<number>;
  updateJobProgress(id: string, stage: string, percent: number): Promise<void>;
  /** Marks the job done and records its artifacts (and its result, if any), in one transaction. */
  completeJob(id: string, artifacts: readonly ArtifactRecord[], result?: Record<string, unknown>): Promise<void>;
  failJob(id: string, error: ErrorBody): Promise<void>;
  /** Puts a running job back in the queue; `countAttempt: false` undoes the attempt (a clean shutdown). */
  requeueJob(id: string, options: { countAttempt: boolean }): Promise<void>;
  /**
   * At startup: jobs left 'running' by a crash go back to the queue, or fail with GCT_SERVICE_JOB_INTERRUPTED
   * once they were started `maxAttempts` times.
   */
  recoverInterruptedJobs(maxAttempts: number): Promise<{ requeued: string[]; failed: string[] }>;
  listArtifacts(studyId: string): Promise<ArtifactRecord[]>;
  createToken(id: string, name: string, sha256: string): Promise<TokenRecord>;
  listTokens(): Promise<TokenRecord[]>;
  /** Revokes the token; false when no token has this id. */
  revokeToken(id: string): Promise<boolean>;
  /** The active (not revoked) token with this SHA-256 digest. */
  findActiveToken(sha256: string): Promise<TokenRecord | undefined>;
  close(): Promise<void>;
}

/**
 * Files: uploads staged, then committed under the study's folder; artifacts written by the jobs. The local
 * implementation hands out real paths (`studyDir`) because the stages read files; an object-storage
 * implementation would materialise a study into a local scratch folder for the worker and upload what it wrote.
 */
export interface BlobStore {
  /** A fresh empty folder for one upload, on the same volume as the studies (so commit is a rename). */
  createStaging(): Promise<string>;
  /** Moves a staged upload into place as the study's input folder. */
  commitStudy(staging: string, studyId: string): Promise<void>;
  discardStaging(staging: string): Promise<void>;
  /** Local folder of a study: input/ (uploads) and artifacts/ (what jobs wrote). */
  studyDir(studyId: string): string;
  readFile(studyId: string, file: string): Promise<Buffer>;
  deleteStudy(studyId: string): Promise<void>;
  /** Removes staging leftovers and study folders no study record names (an upload interrupted before commit). */
  removeOrphans(knownStudyIds: ReadonlySet<string>): Promise<number>;
}

export interface Storage {
  readonly meta: MetadataStore;
  readonly blobs: BlobStore;
  close(): Promise<void>;
}
