/**
 * The storage seam of the service. Routes and the job queue see only these interfaces. Two implementations of
 * MetadataStore: the embedded default on SQLite (one server process) and PostgreSQL (any number of API and
 * worker processes on one database); both keep files through the same BlobStore on a folder (local, or shared by
 * all processes).
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
  /** Principal of the token that created the study ('admin' for studies older than ownership). */
  readonly owner: string;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  readonly input: StoredInput;
  /** Upload size, all files together, in bytes. */
  readonly uploadBytes: number;
  /** Bytes the accepted input takes on disk (after extraction); counted against the owner's storage quota. */
  readonly inputBytes: number;
}

/** Who a request acts for: the token's principal; an admin sees and manages every owner's studies. */
export interface Principal {
  readonly name: string;
  readonly admin: boolean;
}

/** Principal that owns studies created before ownership existed, and the one configured tokens act as. */
export const ADMIN_PRINCIPAL = 'admin';

/** What one owner holds now (quotas). */
export interface OwnerUsage {
  /** Input bytes of the owner's studies plus the bytes of their artifacts (an artifact that is an input file counts once). */
  readonly storedBytes: number;
  /** The owner's jobs in state queued or running. */
  readonly activeJobs: number;
}

/** Per-owner limits checked when a study is created. */
export interface OwnerQuota {
  readonly maxStoredBytes: number;
  readonly maxActiveJobs: number;
}

/** A job a worker holds: the lease token fences every later write (a worker whose lease expired writes nothing). */
export interface ClaimedJob {
  readonly job: JobRecord;
  readonly leaseToken: string;
}

/** What renewing a lease found: still ours, taken over (expired and re-claimed, or re-queued), or deleted. */
export type LeaseState = 'held' | 'lost' | 'gone';

/** Paging of the worklist: newest first; `before` is the opaque cursor of the previous page's last row. */
export interface ListPage {
  /** Only this owner's rows; undefined = every owner (admin). */
  readonly owner?: string;
  readonly limit: number;
  readonly before?: { readonly createdAt: string; readonly id: string };
}

export interface StudySummary {
  readonly study: StudyRecord;
  readonly job: JobRecord | undefined;
}

/** Cross-process signals of the queue: a job was queued (wake the workers); a study was deleted (stop its job). */
export type QueueEvent = { readonly type: 'queued' } | { readonly type: 'cancel'; readonly studyId: string };

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
  /** The principal the token acts for (owner of the studies it creates). */
  readonly name: string;
  /** An admin token sees every owner's studies and the metrics. */
  readonly admin: boolean;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

/** Studies, jobs, artifacts and API tokens (the state a crash must not lose). */
export interface MetadataStore {
  /** 'sqlite': one server process owns the database; 'postgres': shared by many processes. */
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Records a study and its first job atomically, after checking the owner's quota in the same transaction
   * (GCT_SERVICE_QUOTA_JOBS / GCT_SERVICE_QUOTA_STORAGE): after this resolves, the study is accepted.
   */
  createStudyWithJob(study: StudyRecord, jobId: string, quota: OwnerQuota): Promise<JobRecord>;
  getStudy(id: string): Promise<StudyRecord | undefined>;
  /** Deletes the study with its jobs and artifacts; false when there was none. */
  deleteStudy(id: string): Promise<boolean>;
  listStudyIds(): Promise<string[]>;
  /** Studies newest first, each with its latest job. */
  listStudies(page: ListPage): Promise<StudySummary[]>;
  /** Jobs newest first, optionally in one state. */
  listJobs(page: ListPage & { readonly state?: JobState }): Promise<JobRecord[]>;
  ownerUsage(owner: string): Promise<OwnerUsage>;
  getJob(id: string): Promise<JobRecord | undefined>;
  /** The owner of a job's study (undefined when the job does not exist). */
  ownerOfJob(id: string): Promise<string | undefined>;
  latestJobOfStudy(studyId: string): Promise<JobRecord | undefined>;
  /**
   * Moves the oldest queued job to 'running' for `workerId`, counts the attempt and gives it a lease of `leaseMs`
   * with a fresh lease token; undefined when none is queued. Concurrent claimers never get the same job.
   */
  claimNextJob(workerId: string, leaseMs: number): Promise<ClaimedJob | undefined>;
  /** Extends the lease by `leaseMs` from now if the token still holds it. */
  renewLease(jobId: string, leaseToken: string, leaseMs: number): Promise<LeaseState>;
  /**
   * Running jobs whose lease expired (their worker died or was cut off) go back to the queue, or fail with
   * GCT_SERVICE_JOB_INTERRUPTED once started `maxAttempts` times. `allRunning` treats every running job as
   * expired: the embedded server at start, the only process that could hold one.
   */
  reapExpiredLeases(maxAttempts: number, options?: { allRunning?: boolean }): Promise<{ requeued: string[]; failed: string[] }>;
  countJobsByState(): Promise<Record<JobState, number>>;
  /** Writes below are fenced by the lease token: false (nothing written) when the lease was lost. */
  updateJobProgress(id: string, leaseToken: string, stage: string, percent: number): Promise<boolean>;
  /** Marks the job done and records its artifacts (replacing a previous attempt's) and result, in one transaction. */
  completeJob(id: string, leaseToken: string, artifacts: readonly ArtifactRecord[], result?: Record<string, unknown>): Promise<boolean>;
  failJob(id: string, leaseToken: string, error: ErrorBody): Promise<boolean>;
  /** Puts a running job back in the queue; `countAttempt: false` undoes the attempt (a graceful stop). */
  releaseJob(id: string, leaseToken: string, options: { countAttempt: boolean }): Promise<boolean>;
  listArtifacts(studyId: string): Promise<ArtifactRecord[]>;
  createToken(id: string, name: string, sha256: string, options?: { admin?: boolean }): Promise<TokenRecord>;
  listTokens(): Promise<TokenRecord[]>;
  /** Revokes the token; false when no token has this id. */
  revokeToken(id: string): Promise<boolean>;
  /** The active (not revoked) token with this SHA-256 digest. */
  findActiveToken(sha256: string): Promise<TokenRecord | undefined>;
  /** Sends a queue signal to every process on this database (this one included). */
  publish(event: QueueEvent): Promise<void>;
  /** Receives queue signals; resolves to an unsubscribe function. */
  subscribe(listener: (event: QueueEvent) => void): Promise<() => Promise<void>>;
  /** Throws when the database cannot be reached (readiness). */
  ping(): Promise<void>;
  /** Schema version the database is at (migrations applied). */
  schemaVersion(): Promise<number>;
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
  /**
   * Removes staging leftovers and study folders no study record names (an upload interrupted before commit),
   * when last modified more than `olderThanMs` ago (0: all; another process may be mid-upload otherwise).
   */
  removeOrphans(knownStudyIds: ReadonlySet<string>, olderThanMs: number): Promise<number>;
  /** Bytes of the files under a folder (an upload after extraction). */
  folderBytes(dir: string): Promise<number>;
  /** Throws unless a file can be written and removed under the root (readiness). */
  probeWritable(): Promise<void>;
  /** The folder every study and staging area lives under. */
  readonly root: string;
}

export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  readonly meta: MetadataStore;
  readonly blobs: BlobStore;
  close(): Promise<void>;
}
