/**
 * The one catalogue of groundct errors.
 *
 * Each entry: a stable code `GCT_<STAGE>_<PROBLEM>`, the HTTP status the API answers with, and a hint that
 * tells a person how to fix the problem. A code is never renamed or reused once released; retire it with a
 * comment instead. Every code is documented in docs/errors.md (a test checks this).
 *
 * Messages are built at the throw site and say what was received, what was expected and which file; they
 * never contain patient names or IDs.
 */
export interface ErrorSpec {
  readonly code: string;
  readonly statusCode: number;
  readonly hint: string;
}

function spec<const C extends string>(code: C, statusCode: number, hint: string): ErrorSpec & { code: C } {
  return { code, statusCode, hint };
}

export const ERRORS = {
  GCT_INTERNAL: spec('GCT_INTERNAL', 500, 'This is a bug in groundct; report it with the command or request that caused it.'),
  GCT_CONFIG_INVALID: spec('GCT_CONFIG_INVALID', 500, 'Fix the listed configuration fields (config file, GROUNDCT_* environment variables or CLI flags).'),
  GCT_CLI_USAGE: spec('GCT_CLI_USAGE', 400, "Run 'groundct --help' or 'groundct <command> --help' for the expected arguments."),

  // volume: files and grids
  GCT_VOLUME_NOT_FOUND: spec('GCT_VOLUME_NOT_FOUND', 404, 'Check the path; it must name an existing file or folder.'),
  GCT_VOLUME_FORMAT_UNKNOWN: spec('GCT_VOLUME_FORMAT_UNKNOWN', 415, 'Supported inputs: NIfTI-1/2 (.nii, .nii.gz), NRRD (.nrrd), a folder of DICOM CT slices, a DICOM SEG file, or a folder of per-class NIfTI masks.'),
  GCT_VOLUME_TRUNCATED: spec('GCT_VOLUME_TRUNCATED', 422, 'The file ends before the data its header declares; re-export or re-download it.'),
  GCT_VOLUME_GZIP_INVALID: spec('GCT_VOLUME_GZIP_INVALID', 422, 'The gzip stream is corrupt or truncated; re-compress the file (gzip -t checks it).'),
  GCT_VOLUME_TOO_LARGE: spec('GCT_VOLUME_TOO_LARGE', 413, 'The volume exceeds a configured limit (volume.maxVoxels, volume.maxDecompressedBytes or volume.maxDicomHeaderBytes, named in the message); crop the scan or raise the limit.'),
  GCT_VOLUME_HEADER_INVALID: spec('GCT_VOLUME_HEADER_INVALID', 422, 'The header is malformed; check that the file is really the format its extension says.'),
  GCT_VOLUME_DATATYPE_UNSUPPORTED: spec('GCT_VOLUME_DATATYPE_UNSUPPORTED', 415, 'Convert the image to a supported voxel type (8/16/32-bit integer, 32/64-bit float).'),
  GCT_VOLUME_NOT_3D: spec('GCT_VOLUME_NOT_3D', 422, 'A single 3D volume is expected; split 4D series or pick one time point / channel.'),
  GCT_VOLUME_AFFINE_INVALID: spec('GCT_VOLUME_AFFINE_INVALID', 422, 'The voxel-to-patient matrix is singular or not finite; fix the sform/qform (or ImageOrientationPatient) of the file.'),
  GCT_VOLUME_GRID_MISMATCH: spec('GCT_VOLUME_GRID_MISMATCH', 422, 'The mask does not cover the CT grid; export the mask on the CT grid, or with a header that places it correctly in patient space.'),
  GCT_VOLUME_ENCODING_UNSUPPORTED: spec('GCT_VOLUME_ENCODING_UNSUPPORTED', 415, 'Re-save the NRRD with raw or gzip encoding (e.g. 3D Slicer, or unu save -e gzip).'),
  GCT_VOLUME_WRITE_FAILED: spec('GCT_VOLUME_WRITE_FAILED', 500, 'Check that the output folder exists, is writable and has free space.'),

  // hardening (#15): file-system access, decompression budgets, voxel values
  GCT_VOLUME_NOT_READABLE: spec('GCT_VOLUME_NOT_READABLE', 422, 'Pass a regular file (or a folder) you may read: not a named pipe, device, socket or a loop of symbolic links, and not a folder where a file is expected; check permissions with ls -l.'),
  GCT_VOLUME_DECOMPRESSED_MISMATCH: spec('GCT_VOLUME_DECOMPRESSED_MISMATCH', 422, 'The compressed data inflates to more or less than its header declares (a corrupt file or a decompression bomb); re-export or re-compress the file.'),
  GCT_VOLUME_VALUES_NOT_FINITE: spec('GCT_VOLUME_VALUES_NOT_FINITE', 422, 'Voxel values must be finite: replace NaN/Inf voxels (e.g. by -1024 HU outside the field of view) or fix the scaling (NIfTI scl_slope/scl_inter, DICOM RescaleSlope/RescaleIntercept) so that stored value x slope + intercept fits a 32-bit float.'),

  // volume: DICOM
  GCT_DICOM_NO_IMAGES: spec('GCT_DICOM_NO_IMAGES', 422, 'The folder holds no readable DICOM image; point to the folder of one CT series.'),
  GCT_DICOM_MULTIPLE_SERIES: spec('GCT_DICOM_MULTIPLE_SERIES', 422, 'Put one series per folder, or pass the folder of the series you want.'),
  GCT_DICOM_NOT_CT: spec('GCT_DICOM_NOT_CT', 422, 'groundct reads CT series only (Modality CT); pass the CT series of the study.'),
  GCT_DICOM_SLICE_GAP: spec('GCT_DICOM_SLICE_GAP', 422, 'Slices are missing or unevenly spaced; re-export the complete series.'),
  GCT_DICOM_INCONSISTENT: spec('GCT_DICOM_INCONSISTENT', 422, 'Slices disagree on size, orientation or pixel spacing; pass a single consistent series.'),
  GCT_DICOM_TRANSFER_SYNTAX_UNSUPPORTED: spec('GCT_DICOM_TRANSFER_SYNTAX_UNSUPPORTED', 415, 'Supported: uncompressed (implicit/explicit VR), deflate, JPEG 2000. Decompress the series (e.g. dcmdjpeg / gdcmconv --raw).'),
  GCT_DICOM_DECODE_FAILED: spec('GCT_DICOM_DECODE_FAILED', 422, 'A frame could not be decoded; check the file with dcmdump or re-export the series uncompressed.'),
  GCT_DICOM_SEG_INVALID: spec('GCT_DICOM_SEG_INVALID', 422, 'The DICOM SEG lacks required attributes (segments, per-frame positions); re-export it (e.g. with dcmqi).'),
  GCT_DICOM_MULTIFRAME_UNSUPPORTED: spec('GCT_DICOM_MULTIFRAME_UNSUPPORTED', 415, 'Multi-frame (Enhanced CT) image objects are not read yet; convert the series to single-frame slices (e.g. dcm2niix to NIfTI, or emf2sf from dcm4che).'),
  GCT_DICOM_WRITE_FAILED: spec('GCT_DICOM_WRITE_FAILED', 500, 'Choose a new or empty output folder on a writable disk with enough free space.'),

  // outputs of the CLI (#15): every output prepared in a temporary folder and renamed into place at the end
  GCT_OUTPUT_NOT_WRITABLE: spec('GCT_OUTPUT_NOT_WRITABLE', 500, 'Choose an output path on a writable disk with free space: a file output must not name an existing folder, a folder output not an existing file, and every folder above it must be a folder you may write to.'),
  GCT_OUTPUT_EXISTS: spec('GCT_OUTPUT_EXISTS', 409, 'Choose a new or empty output folder (or remove the old one first); groundct never mixes its outputs into a folder that holds other files.'),

  // labels
  GCT_LABELMAP_INVALID: spec('GCT_LABELMAP_INVALID', 422, 'A label map is a JSON object of integer id -> structure name, e.g. {"1": "liver", "2": "spleen"}.'),
  GCT_LABELMAP_MISMATCH: spec('GCT_LABELMAP_MISMATCH', 422, 'The label map and the mask volume disagree; give a label map whose ids match the values in the mask.'),
  GCT_MASK_VALUES_INVALID: spec('GCT_MASK_VALUES_INVALID', 422, 'Mask voxels must be non-negative integers (label ids); a float probability map must be thresholded first.'),
  GCT_MASKS_WITHOUT_CT: spec('GCT_MASKS_WITHOUT_CT', 400, 'Masks are measured on a CT; pass the CT volume as well.'),

  // anatomy
  GCT_ANATOMY_UNKNOWN_STRUCTURE: spec('GCT_ANATOMY_UNKNOWN_STRUCTURE', 404, "Use a canonical structure name of the anatomy catalogue (TotalSegmentator v2 names, e.g. 'kidney_left'); pass raw names through normaliseName first."),

  // measure
  GCT_MEASURE_INPUT_INVALID: spec('GCT_MEASURE_INPUT_INVALID', 422, 'The CT and the masks must share one grid; resample the masks onto the CT first.'),
  GCT_MEASURE_LABEL_UNKNOWN: spec('GCT_MEASURE_LABEL_UNKNOWN', 422, "Pass lesion label ids that are listed in the label map's labels (see the label map JSON or the mask folder's file names)."),
  GCT_MEASURE_OPTION_INVALID: spec('GCT_MEASURE_OPTION_INVALID', 400, 'Fix the named measurement option; e.g. minLesionVolumeMm3 must be a finite number >= 0 (default 50).'),

  // phantom (synthetic studies)
  GCT_PHANTOM_SPEC_INVALID: spec('GCT_PHANTOM_SPEC_INVALID', 400, 'Fix the listed fields of the study spec; a lesion must fit inside its organ or segment (make it smaller or move it).'),
  GCT_PHANTOM_WRITE_FAILED: spec('GCT_PHANTOM_WRITE_FAILED', 500, 'Check that the output folder\'s parent exists and is writable and that the disk has space; nothing was left half-written.'),

  // knowledge base
  GCT_KB_NOT_FOUND: spec('GCT_KB_NOT_FOUND', 500, 'Point the knowledge-base path at a folder of <id>.md passages (the repository ships knowledge-base/passages).'),
  GCT_KB_PASSAGE_INVALID: spec('GCT_KB_PASSAGE_INVALID', 500, 'Fix the named field of the named passage file; the format is described in knowledge-base/README.md.'),
  GCT_KB_DUPLICATE_ID: spec('GCT_KB_DUPLICATE_ID', 500, 'Give each passage a unique id equal to its file name; ids are never reused.'),
  GCT_KB_REFERENCE_UNKNOWN: spec('GCT_KB_REFERENCE_UNKNOWN', 500, 'A rule cites a passage id or threshold name the knowledge base does not hold; fix the citation or add the passage.'),

  // ground: retrieval
  GCT_GROUND_EMBEDDER_INVALID: spec('GCT_GROUND_EMBEDDER_INVALID', 500, 'Fix the named embedder option (e.g. hashed TF-IDF dimensions is an integer in [16, 65536]); an embedder id may only use letters, digits, ".", "_" and "-".'),
  GCT_GROUND_MODEL_NOT_FOUND: spec('GCT_GROUND_MODEL_NOT_FOUND', 500, 'Put a sentence-embedding model in models/<name>/ (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx, as exported for transformers.js), or use the default embedder.'),
  GCT_GROUND_MODEL_LOAD_FAILED: spec('GCT_GROUND_MODEL_LOAD_FAILED', 500, 'Re-export the embedding model for transformers.js (ONNX with a last_hidden_state or sentence_embedding output) and check its tokenizer files.'),
  GCT_GROUND_INDEX_FAILED: spec('GCT_GROUND_INDEX_FAILED', 500, 'Check that <dataDir>/index is writable; delete its files to force a rebuild.'),
  GCT_GROUND_QUERY_INVALID: spec('GCT_GROUND_QUERY_INVALID', 400, 'Pass k as an integer >= 1, minScore as a finite number, lexicalWeight and locationWeight in [0, 1] and bm25Saturation > 0.'),
  GCT_GROUND_STORE_READ_ONLY: spec('GCT_GROUND_STORE_READ_ONLY', 405, 'The groundct vector store mirrors the knowledge base and is read-only; add a passage file under knowledge-base/passages and reopen the store.'),
  GCT_GROUND_TEXT_UNREADABLE: spec('GCT_GROUND_TEXT_UNREADABLE', 400, 'Pass a readable UTF-8 text or Markdown file holding the report to ground.'),
  GCT_GROUND_STUDY_DIR_INVALID: spec('GCT_GROUND_STUDY_DIR_INVALID', 422, "Pass the folder 'groundct report --out' wrote: it must hold findings.json with measurements.json, or report.json, that parse as groundct artifacts."),

  // segment
  GCT_SEGMENT_MODEL_NOT_FOUND: spec('GCT_SEGMENT_MODEL_NOT_FOUND', 404, "A model is a folder holding model.onnx and model.json; pass its path, or the name of a folder under models/ (see models/README.md)."),
  GCT_SEGMENT_MANIFEST_INVALID: spec('GCT_SEGMENT_MANIFEST_INVALID', 422, 'Fix the listed fields of model.json; the format is described in models/README.md (tools/export_nnunet_onnx.py writes a valid one).'),
  GCT_SEGMENT_MODEL_LOAD_FAILED: spec('GCT_SEGMENT_MODEL_LOAD_FAILED', 422, "Re-export the model (opset 17, float32 input [batch, 1, k, j, i]) and write its SHA-256 into model.json's sha256."),
  GCT_SEGMENT_INFERENCE_FAILED: spec('GCT_SEGMENT_INFERENCE_FAILED', 500, "Check that the manifest's patchSize, classes and maxBatch match the exported graph; lower the batch if memory ran out."),
  GCT_SEGMENT_OPTION_INVALID: spec('GCT_SEGMENT_OPTION_INVALID', 400, 'Fix the named segmentation option, e.g. threads must be an integer >= 1.'),
  // segment: external engines (TotalSegmentator)
  GCT_SEGMENT_ENGINE_NOT_FOUND: spec('GCT_SEGMENT_ENGINE_NOT_FOUND', 501, "Install TotalSegmentator yourself (pip install TotalSegmentator; see github.com/wasserth/TotalSegmentator) so that the TotalSegmentator command is on PATH, or set segment.totalSegmentatorCommand to its path; or run it yourself and pass its output folder with --masks. groundct never installs it."),
  GCT_SEGMENT_ENGINE_FAILED: spec('GCT_SEGMENT_ENGINE_FAILED', 502, "Run the same TotalSegmentator command by hand to see its full output (task name, GPU/CPU, memory, licence for some tasks); raise segment.engineTimeoutMs if it was stopped; or pass its masks with --masks."),

  // findings and report
  GCT_FINDINGS_INPUT_INVALID: spec('GCT_FINDINGS_INPUT_INVALID', 422, 'Pass the Measurements artifact made by measureStudy (kind "measurements", schemaVersion 1, unique lesion ids); re-run the measure stage.'),
  GCT_REPORT_INPUT_INVALID: spec('GCT_REPORT_INPUT_INVALID', 422, 'Pass findings derived from these same measurements (deriveFindings on them); their provenance must match.'),
  GCT_REPORT_TEMPLATE_INVALID: spec('GCT_REPORT_TEMPLATE_INVALID', 500, 'Fix the named template file in prompts/ (name <id>.v<version>.jinja, a {# id: ... version: ... #} header, Jinja syntax that renders one sentence).'),
  GCT_REPORT_SENTENCE_UNGROUNDED: spec('GCT_REPORT_SENTENCE_UNGROUNDED', 500, 'This is a bug: every report sentence must list the ids of the findings it states; report it with the study that caused it.'),
  GCT_REPORT_NARRATOR_INVALID: spec('GCT_REPORT_NARRATOR_INVALID', 400, 'Configure the LLM narrator\'s chat model with temperature 0 (it may only rephrase the template sentences).'),

  // evaluate: the factuality and grounding harness
  GCT_EVAL_MANIFEST_INVALID: spec('GCT_EVAL_MANIFEST_INVALID', 400, 'Fix the listed manifest fields; the format (cases, reference, candidates, paths relative to the manifest, ${GROUNDCT_DATA}) is described in eval/factuality/README.md.'),
  GCT_EVAL_INPUT_NOT_FOUND: spec('GCT_EVAL_INPUT_NOT_FOUND', 404, 'Check the path: manifest paths are relative to the manifest file, and ${GROUNDCT_DATA} expands to the GROUNDCT_DATA environment variable or the manifest\'s dataDir.'),
  GCT_EVAL_REFERENCE_INVALID: spec('GCT_EVAL_REFERENCE_INVALID', 422, 'A reference findings file must be a groundct findings.json (kind "findings") or report.json (kind "report"); regenerate it with groundct report.'),
  GCT_EVAL_CANDIDATE_INVALID: spec('GCT_EVAL_CANDIDATE_INVALID', 422, 'A candidate report is plain text (.txt), Markdown (.md) or groundct report.json with sentences[{id, text}]; set "format" in the manifest if the extension says otherwise.'),

  // follow-up: comparing a study with its priors (src/followup)
  GCT_FOLLOWUP_FOLDER_OUTDATED: spec('GCT_FOLLOWUP_FOLDER_OUTDATED', 422, "The report folder was written by an older groundct (no label volumes or study identity); run 'groundct report <ct> --masks ... --out <new-dir>' again on that study and compare the new folder."),
  GCT_FOLLOWUP_FOLDER_INVALID: spec('GCT_FOLLOWUP_FOLDER_INVALID', 422, "Pass a folder written by 'groundct report --out': study.json, measurements.json, findings.json, masks.labels.json and masks-<layer>.nii.gz must be present and parse; write it again if a file is missing or damaged."),
  GCT_FOLLOWUP_INPUT_INVALID: spec('GCT_FOLLOWUP_INPUT_INVALID', 400, 'Give each prior once, never the current study itself, and priors dated no later than the current study (or without dates, in the documented order).'),
  GCT_FOLLOWUP_OTHER_PATIENT: spec('GCT_FOLLOWUP_OTHER_PATIENT', 422, 'Compare studies of one patient. For anonymised data whose patient IDs were replaced, pass --allow-other-patient (service: allowOtherPatient); the report then states that identity was not checked.'),
  GCT_FOLLOWUP_PATIENT_KEY_MISMATCH: spec('GCT_FOLLOWUP_PATIENT_KEY_MISMATCH', 422, 'The two studies hashed their patient IDs with different keys (followup.patientIdKey); report both with the same key, or pass --allow-other-patient to compare without the identity check.'),
  GCT_FOLLOWUP_ALIGNMENT_FAILED: spec('GCT_FOLLOWUP_ALIGNMENT_FAILED', 422, 'The studies could not be aligned within followup.maxAlignmentResidualMm: check that both image the same body region of the same patient, or give masks of bones or organs present in both studies.'),

  // vqa
  GCT_VQA_REPORT_DIR_INVALID: spec('GCT_VQA_REPORT_DIR_INVALID', 422, "Pass the folder 'groundct report --out' wrote: it must hold report.json, or findings.json with measurements.json, that parse as groundct artifacts."),
  GCT_VQA_BATCH_INVALID: spec('GCT_VQA_BATCH_INVALID', 400, 'Each line of the --batch file is one JSON object {"id": "...", "question": "..."} with a non-empty question and a unique id.'),
  GCT_VQA_LLM_FAILED: spec('GCT_VQA_LLM_FAILED', 502, 'The question-parsing chat model could not be called; check its endpoint and credentials, or run without the LLM fallback.'),

  // service: HTTP API, uploads, jobs, tokens
  GCT_SERVICE_UNAUTHORIZED: spec('GCT_SERVICE_UNAUTHORIZED', 401, "Send 'Authorization: Bearer <token>'; create a token with 'groundct token create --name <who>' (it is printed once)."),
  GCT_SERVICE_REQUEST_INVALID: spec('GCT_SERVICE_REQUEST_INVALID', 400, 'Fix the listed request fields; the OpenAPI document at /docs/json describes every route.'),
  GCT_SERVICE_ROUTE_NOT_FOUND: spec('GCT_SERVICE_ROUTE_NOT_FOUND', 404, 'Check the method and path; the routes are listed at /docs and /docs/json.'),
  GCT_SERVICE_UPLOAD_INVALID: spec('GCT_SERVICE_UPLOAD_INVALID', 400, "Send multipart/form-data with a file part 'ct' (NIfTI or a .zip of one DICOM series) and optional 'masks', 'labelMap' and 'phase' parts."),
  GCT_SERVICE_UPLOAD_TOO_LARGE: spec('GCT_SERVICE_UPLOAD_TOO_LARGE', 413, 'Compress the files (.nii.gz, zip), crop the scan, or raise service.limits.maxUploadBytes.'),
  GCT_SERVICE_FILE_TYPE_UNSUPPORTED: spec('GCT_SERVICE_FILE_TYPE_UNSUPPORTED', 422, "'ct' takes NIfTI (.nii, .nii.gz) or a zip of one DICOM series; 'masks' takes a multilabel NIfTI, a zip of per-class NIfTI masks or a DICOM SEG; 'labelMap' takes JSON."),
  GCT_SERVICE_ARCHIVE_UNSAFE: spec('GCT_SERVICE_ARCHIVE_UNSAFE', 422, 'Zip the files with relative paths only (no "..", no absolute paths, no links), unencrypted, deflate or stored, under service.limits.maxArchiveEntries entries.'),
  GCT_SERVICE_DECOMPRESSED_TOO_LARGE: spec('GCT_SERVICE_DECOMPRESSED_TOO_LARGE', 422, 'The decompressed data exceeds service.limits.maxDecompressedBytes; crop the scan or raise the limit.'),
  GCT_SERVICE_STORAGE_BUDGET_EXCEEDED: spec('GCT_SERVICE_STORAGE_BUDGET_EXCEEDED', 413, 'The files of one upload, once extracted, exceed service.limits.maxStoredBytesPerUpload; upload fewer or smaller files (crop the scan) or raise the limit.'),
  GCT_SERVICE_TOO_MANY_VOXELS: spec('GCT_SERVICE_TOO_MANY_VOXELS', 422, 'The volume has more voxels than service.limits.maxVoxels; crop or downsample the scan, or raise the limit.'),
  GCT_SERVICE_STUDY_NOT_FOUND: spec('GCT_SERVICE_STUDY_NOT_FOUND', 404, 'Use a study id returned by POST /v1/studies; deleted studies are gone.'),
  GCT_SERVICE_JOB_NOT_FOUND: spec('GCT_SERVICE_JOB_NOT_FOUND', 404, 'Use a job id returned by POST /v1/studies.'),
  GCT_SERVICE_ARTIFACT_NOT_READY: spec('GCT_SERVICE_ARTIFACT_NOT_READY', 409, "The study's job has not finished (or failed); poll GET /v1/jobs/<jobId> until its state is 'done'."),
  GCT_SERVICE_ARTIFACT_NOT_FOUND: spec('GCT_SERVICE_ARTIFACT_NOT_FOUND', 404, 'The pipeline of this service does not produce that artifact for this study; GET /v1/studies/<id> lists the artifacts it has.'),
  GCT_SERVICE_JOB_INTERRUPTED: spec('GCT_SERVICE_JOB_INTERRUPTED', 500, 'The job was interrupted (server stopped or crashed) more times than service.maxJobAttempts; upload the study again, and check the server log for the crash.'),
  GCT_SERVICE_WORKER_FAILED: spec('GCT_SERVICE_WORKER_FAILED', 500, 'The worker thread running the pipeline died (often out of memory); lower service.limits.concurrentJobs or the voxel limit, and check the server log.'),
  GCT_SERVICE_PASSAGE_NOT_FOUND: spec('GCT_SERVICE_PASSAGE_NOT_FOUND', 404, 'Use a passage id cited by a report sentence, a finding (criteria) or an answer; ids are kebab-case (knowledge-base/passages/<id>.md).'),
  GCT_SERVICE_TOKEN_NOT_FOUND: spec('GCT_SERVICE_TOKEN_NOT_FOUND', 404, "Use a token id shown by 'groundct token list'."),
  GCT_SERVICE_PRIOR_STUDY_INVALID: spec('GCT_SERVICE_PRIOR_STUDY_INVALID', 422, "Name as priorStudyId a study of this service whose job is done and that was processed by this version (GET /v1/studies/<id> lists a 'study' artifact); upload the prior again if it predates follow-up support."),
  GCT_SERVICE_STORAGE_FAILED: spec('GCT_SERVICE_STORAGE_FAILED', 500, 'Check that the data directory (dataDir) exists, is writable, has free space, and is used by one groundct server at a time.'),

  // service scale-out (issue 18): PostgreSQL, schema migrations, ownership, quotas
  GCT_SERVICE_DATABASE_UNAVAILABLE: spec('GCT_SERVICE_DATABASE_UNAVAILABLE', 503, 'Check storage.url (GROUNDCT_STORAGE__URL), that PostgreSQL is running and reachable from this machine, and that the role may connect to the database.'),
  GCT_SERVICE_SCHEMA_OUTDATED: spec('GCT_SERVICE_SCHEMA_OUTDATED', 503, 'The database schema is older than this groundct; start one process with storage.migrate true (the default) to migrate it, then the others.'),
  GCT_SERVICE_SCHEMA_TOO_NEW: spec('GCT_SERVICE_SCHEMA_TOO_NEW', 503, 'The database was migrated by a newer groundct; run that version (or newer) on every process that shares the database.'),
  GCT_SERVICE_QUOTA_JOBS: spec('GCT_SERVICE_QUOTA_JOBS', 429, 'Wait until some of your queued or running jobs finish (GET /v1/jobs?state=queued), or ask the operator to raise service.quotas.maxActiveJobsPerOwner.'),
  GCT_SERVICE_QUOTA_STORAGE: spec('GCT_SERVICE_QUOTA_STORAGE', 413, 'Delete studies you no longer need (DELETE /v1/studies/<id>), or ask the operator to raise service.quotas.maxStoredBytesPerOwner.'),
  GCT_SERVICE_FORBIDDEN: spec('GCT_SERVICE_FORBIDDEN', 403, "This route needs an admin token ('groundct token create --name <who> --admin')."),

  // interop: DICOM SEG/SR, FHIR, key images, PACS (DICOMweb)
  GCT_INTEROP_REFERENCE_MISSING: spec('GCT_INTEROP_REFERENCE_MISSING', 422, 'SEG and SR reference a DICOM CT series: read the CT from DICOM, or let writeDicomOutputs write the CT as DICOM first (NIfTI input).'),
  GCT_INTEROP_WRITE_FAILED: spec('GCT_INTEROP_WRITE_FAILED', 500, 'Choose a new or empty output folder on a writable disk with enough free space.'),
  GCT_PACS_UNREACHABLE: spec('GCT_PACS_UNREACHABLE', 502, 'Check the DICOMweb base URL (e.g. http://host:8042/dicom-web), that the PACS is running and reachable, and the timeout.'),
  GCT_PACS_AUTH_FAILED: spec('GCT_PACS_AUTH_FAILED', 502, 'The PACS refused the credentials; set GROUNDCT_PACS__USERNAME / GROUNDCT_PACS__PASSWORD (or pacs.username / pacs.password in the config file).'),
  GCT_PACS_REQUEST_FAILED: spec('GCT_PACS_REQUEST_FAILED', 502, 'The PACS answered with an error status; check its log and that its DICOMweb plugin/service is enabled for this URL.'),
  GCT_PACS_RESPONSE_INVALID: spec('GCT_PACS_RESPONSE_INVALID', 502, 'The PACS answer is not valid DICOMweb (JSON for QIDO-RS, multipart/related application/dicom for WADO-RS); check the base URL points at the DICOMweb root.'),
  GCT_PACS_STUDY_NOT_FOUND: spec('GCT_PACS_STUDY_NOT_FOUND', 404, 'Check the StudyInstanceUID (QIDO-RS /studies?StudyInstanceUID=...) and that the study holds a CT series.'),
  GCT_PACS_URL_NOT_ALLOWED: spec('GCT_PACS_URL_NOT_ALLOWED', 400, "The service reads only from the PACS listed in its configuration: omit 'url' to use pacs.url, or ask the operator to add the PACS to pacs.allowedUrls (GROUNDCT_PACS__ALLOWED_URLS)."),
  GCT_INTEROP_FHIR_INVALID: spec('GCT_INTEROP_FHIR_INVALID', 500, 'groundct wrote a FHIR resource that the official R4 schema, invariants or code systems reject: a bug; report it with the listed issues (or run without fhir.validate to write it anyway).'),
  GCT_PACS_STORE_FAILED: spec('GCT_PACS_STORE_FAILED', 502, 'The PACS refused the stored objects (STOW-RS FailedSOPSequence); check its log, storage space and that it accepts SEG and Comprehensive SR.'),
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class GroundctError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly hint: string;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GroundctError';
    this.code = code;
    this.statusCode = ERRORS[code].statusCode;
    this.hint = ERRORS[code].hint;
    this.details = options.details ?? {};
  }

  toJSON(): { code: ErrorCode; message: string; hint: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, hint: this.hint, details: this.details };
  }
}

export function isGroundctError(e: unknown): e is GroundctError {
  return e instanceof GroundctError;
}

/** Shorthand for throwing: `throw gctError('GCT_VOLUME_TRUNCATED', '...', { path })`. */
export function gctError(code: ErrorCode, message: string, details?: Record<string, unknown>, cause?: unknown): GroundctError {
  return new GroundctError(code, message, { details, cause });
}
