/**
 * The DICOMweb client groundct uses (PS3.18): QIDO-RS search for series (10.6), WADO-RS retrieve of a series as
 * multipart/related application/dicom (10.4), STOW-RS store (10.5), through `dicomweb-client` (the DICOMweb client
 * of the dcmjs project, used by OHIF) over our fetch-based transport (dicomweb-transport.ts: no redirects, timeouts,
 * a byte limit on answers).
 *
 * Credentials (HTTP Basic, RFC 7617) are sent in the Authorization header only; they never appear in errors,
 * details or logs, and a base URL carrying user:password@ is refused so that it cannot leak either. Error bodies
 * of the remote server are never put into messages or logs: an error names the request, the host and the status.
 */
import { api } from 'dicomweb-client';
import { gctError } from '../errors.ts';
import { FetchXhr, type TransportFailure } from './dicomweb-transport.ts';

export interface DicomwebOptions {
  /** DICOMweb root, e.g. http://localhost:8042/dicom-web (Orthanc's DICOMweb plugin). */
  readonly baseUrl: string;
  readonly username?: string;
  readonly password?: string;
  /** Per request, ms. */
  readonly timeoutMs?: number;
  /** Largest answer read (a whole WADO-RS series), bytes. */
  readonly maxResponseBytes?: number;
}

/** A QIDO-RS series match (PS3.18 Table 10.6.1-5 attributes). */
export interface SeriesMatch {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly modality: string;
  readonly seriesDescription?: string;
  readonly seriesNumber?: number;
  readonly numberOfInstances?: number;
}

export interface StoreResult {
  readonly storedSopInstanceUids: readonly string[];
  readonly failedSopInstanceUids: readonly string[];
}

export interface DicomwebClient {
  searchSeries(studyInstanceUid: string, query?: Readonly<Record<string, string>>): Promise<SeriesMatch[]>;
  retrieveSeries(studyInstanceUid: string, seriesInstanceUid: string): Promise<Uint8Array[]>;
  store(instances: readonly Uint8Array[], studyInstanceUid?: string): Promise<StoreResult>;
}

export const DEFAULT_PACS_TIMEOUT_MS = 60_000;
export const DEFAULT_PACS_MAX_RESPONSE_BYTES = 4 * 1024 ** 3;
const UID_PATTERN = /^[0-9]+(\.[0-9]+)*$/;

type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;
const first = (ds: DicomJson, tag: string): unknown => ds[tag]?.Value?.[0];

/** What a failed call carries: the library's error (with `status`) and our transport instance. */
type Call = (request: { instance: FetchXhr }) => Promise<unknown>;

export function dicomwebClient(options: DicomwebOptions): DicomwebClient {
  let base: URL;
  try {
    base = new URL(options.baseUrl.replace(/\/+$/, ''));
  } catch (cause) {
    throw gctError('GCT_PACS_UNREACHABLE', `the DICOMweb base URL is not a URL`, {}, cause);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw gctError('GCT_PACS_UNREACHABLE', `the DICOMweb base URL must be http(s), not ${base.protocol}`, {});
  if (base.username || base.password) throw gctError('GCT_PACS_AUTH_FAILED', 'the DICOMweb base URL carries credentials; give them through configuration instead', { host: base.host });
  const root = base.toString().replace(/\/+$/, '');
  const auth = options.username !== undefined ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`, 'utf8').toString('base64')}` : undefined;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PACS_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_PACS_MAX_RESPONSE_BYTES;
  const client = new api.DICOMwebClient({ url: root, verbose: false, singlepart: false, headers: auth ? { Authorization: auth } : {} });
  const checkUid = (uid: string, what: string) => {
    if (!UID_PATTERN.test(uid) || uid.length > 64) throw gctError('GCT_CLI_USAGE', `${what} '${uid.slice(0, 80)}' is not a DICOM UID (digits and dots, at most 64 characters)`);
  };

  /**
   * Runs one library call on a fresh transport and maps every failure onto a coded error. `accept` lists HTTP
   * statuses that are answers rather than errors (e.g. 404 for an unknown study); they return `{ status }`.
   */
  async function call(what: string, run: Call, accept: readonly number[] = []): Promise<{ value?: unknown; status: number; xhr: FetchXhr }> {
    const xhr = new FetchXhr({ timeoutMs, maxResponseBytes });
    try {
      const value = await Promise.race([run({ instance: xhr }), xhr.handlerFailed]);
      if (xhr.failure) throw xhr.failure;
      return { value, status: xhr.status, xhr };
    } catch (error) {
      const failure: TransportFailure | undefined = xhr.failure;
      if (failure?.kind === 'timeout') throw gctError('GCT_PACS_UNREACHABLE', `${what} on ${base.host} timed out after ${timeoutMs} ms`, { host: base.host, timeoutMs });
      if (failure?.kind === 'network') {
        const cause = failure.cause as { message?: string; cause?: { code?: string } };
        throw gctError('GCT_PACS_UNREACHABLE', `${what} on ${base.host} failed: ${cause?.cause?.code ?? cause?.message ?? 'network error'}`, { host: base.host, timeoutMs }, failure.cause);
      }
      if (failure?.kind === 'too-large') throw gctError('GCT_PACS_RESPONSE_INVALID', `${what} answer from ${base.host} is larger than ${failure.limitBytes} bytes (pacs.maxRetrieveBytes)`, { host: base.host, limitBytes: failure.limitBytes });
      if (failure?.kind === 'redirect') throw gctError('GCT_PACS_REQUEST_FAILED', `${what} on ${base.host} answered ${failure.status} (a redirect; redirects are not followed: give the final DICOMweb URL)`, { host: base.host, status: failure.status });
      if (failure?.kind === 'unparsable') throw gctError('GCT_PACS_RESPONSE_INVALID', `${what} answer from ${base.host} could not be decoded`, { host: base.host }, failure.cause);
      const status = xhr.status;
      if (accept.includes(status)) return { status, xhr };
      if (status === 401 || status === 403) throw gctError('GCT_PACS_AUTH_FAILED', `${what} on ${base.host} answered ${status}${auth ? ' to the configured credentials' : ' (no credentials configured)'}`, { host: base.host, status });
      if (status > 0) throw gctError('GCT_PACS_REQUEST_FAILED', `${what} on ${base.host} answered ${status}`, { host: base.host, status });
      // Not an HTTP failure: the library refused its arguments or the answer.
      throw gctError('GCT_PACS_RESPONSE_INVALID', `${what} on ${base.host} failed: ${(error as Error)?.message ?? String(error)}`.slice(0, 300), { host: base.host }, error);
    }
  }

  return {
    async searchSeries(studyInstanceUid, query = {}) {
      checkUid(studyInstanceUid, 'StudyInstanceUID');
      const queryParams = { ...query, includefield: '0008103E,00200011,00201209' };
      const { value, status } = await call('QIDO-RS series search', (request) => client.searchForSeries({ studyInstanceUID: studyInstanceUid, queryParams, request } as never) as unknown as Promise<unknown>, [404]);
      if (status === 404 || status === 204 || value === undefined) return [];
      if (!Array.isArray(value)) throw gctError('GCT_PACS_RESPONSE_INVALID', `QIDO-RS answer from ${base.host} is not a JSON array`, { host: base.host });
      return (value as DicomJson[]).map((ds) => {
        const description = first(ds, '0008103E');
        const number = first(ds, '00200011');
        const count = first(ds, '00201209');
        return {
          studyInstanceUid: String(first(ds, '0020000D') ?? studyInstanceUid),
          seriesInstanceUid: String(first(ds, '0020000E') ?? ''),
          modality: String(first(ds, '00080060') ?? ''),
          ...(typeof description === 'string' ? { seriesDescription: description } : {}),
          ...(number !== undefined ? { seriesNumber: Number(number) } : {}),
          ...(count !== undefined ? { numberOfInstances: Number(count) } : {}),
        };
      });
    },

    async retrieveSeries(studyInstanceUid, seriesInstanceUid) {
      checkUid(studyInstanceUid, 'StudyInstanceUID');
      checkUid(seriesInstanceUid, 'SeriesInstanceUID');
      // No media types given: dicomweb-client 0.11.3 rejects explicit ones for series retrieval (it compares the
      // shared type 'application/' with 'application/dicom'; dcmjs-org/dicomweb-client PR #56, open). The default
      // Accept asks for PS3.18's default transfer syntax, so a PACS sends compressed series transcoded to Explicit
      // VR Little Endian: more bytes, readable by every reader.
      const { value, xhr } = await call('WADO-RS series retrieve', (request) => client.retrieveSeries({ studyInstanceUID: studyInstanceUid, seriesInstanceUID: seriesInstanceUid, request } as never));
      const contentType = xhr.getResponseHeader('content-type') ?? '';
      if (!/^multipart\/related/i.test(contentType))
        throw gctError('GCT_PACS_RESPONSE_INVALID', `WADO-RS answer from ${base.host} is '${contentType.slice(0, 80)}', not multipart/related`, { host: base.host, contentType: contentType.slice(0, 80) });
      if (!Array.isArray(value)) throw gctError('GCT_PACS_RESPONSE_INVALID', `WADO-RS answer from ${base.host} holds no parts`, { host: base.host });
      return (value as ArrayBuffer[]).map((part) => new Uint8Array(part));
    },

    async store(instances, studyInstanceUid) {
      if (studyInstanceUid) checkUid(studyInstanceUid, 'StudyInstanceUID');
      const datasets = instances.map((i) => i.buffer.slice(i.byteOffset, i.byteOffset + i.byteLength));
      // 200 all stored, 202 some failed, 409 none stored (PS3.18 10.5.3); 409 carries the failed list too.
      const { xhr } = await call(
        'STOW-RS store',
        (request) => client.storeInstances({ datasets, ...(studyInstanceUid ? { studyInstanceUID: studyInstanceUid } : {}), request } as never),
        [409],
      );
      let json: DicomJson = {};
      try {
        json = typeof xhr.response === 'string' && xhr.response.length > 0 ? (JSON.parse(xhr.response) as DicomJson) : {};
      } catch {
        json = {};
      }
      const uids = (tag: string) => ((json[tag]?.Value ?? []) as DicomJson[]).map((item) => String(first(item, '00081155') ?? ''));
      const result = { storedSopInstanceUids: uids('00081199'), failedSopInstanceUids: uids('00081198') };
      if (xhr.status === 409 || result.failedSopInstanceUids.length > 0)
        throw gctError('GCT_PACS_STORE_FAILED', `STOW-RS on ${base.host} refused ${result.failedSopInstanceUids.length || instances.length} of ${instances.length} instance(s) (status ${xhr.status})`, {
          host: base.host, status: xhr.status, failed: result.failedSopInstanceUids,
        });
      return result;
    },
  };
}
