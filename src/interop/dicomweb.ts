/**
 * A DICOMweb client (PS3.18) over fetch: QIDO-RS search for series (10.6), WADO-RS retrieve of a series as
 * multipart/related application/dicom (10.4), STOW-RS store (10.5).
 *
 * Credentials (HTTP Basic, RFC 7617) are sent in the Authorization header only; they never appear in errors,
 * details or logs, and a base URL carrying user:password@ is refused so that it cannot leak either.
 */
import { gctError } from '../errors.ts';
import { decodeMultipartRelated, encodeMultipartRelated, headerParameter } from './multipart.ts';

export interface DicomwebOptions {
  /** DICOMweb root, e.g. http://localhost:8042/dicom-web (Orthanc's DICOMweb plugin). */
  readonly baseUrl: string;
  readonly username?: string;
  readonly password?: string;
  /** Per request, ms. */
  readonly timeoutMs?: number;
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
const UID_PATTERN = /^[0-9]+(\.[0-9]+)*$/;

type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;
const first = (ds: DicomJson, tag: string): unknown => ds[tag]?.Value?.[0];

export function dicomwebClient(options: DicomwebOptions): DicomwebClient {
  let base: URL;
  try {
    base = new URL(options.baseUrl.replace(/\/+$/, ''));
  } catch (cause) {
    throw gctError('GCT_PACS_UNREACHABLE', `the DICOMweb base URL is not a URL`, {}, cause);
  }
  if (base.username || base.password) throw gctError('GCT_PACS_AUTH_FAILED', 'the DICOMweb base URL carries credentials; give them through configuration instead', { host: base.host });
  const root = base.toString().replace(/\/+$/, '');
  const auth = options.username !== undefined ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`, 'utf8').toString('base64')}` : undefined;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PACS_TIMEOUT_MS;
  const checkUid = (uid: string, what: string) => {
    if (!UID_PATTERN.test(uid) || uid.length > 64) throw gctError('GCT_CLI_USAGE', `${what} '${uid.slice(0, 80)}' is not a DICOM UID (digits and dots, at most 64 characters)`);
  };

  async function request(method: string, path: string, headers: Record<string, string>, body?: Uint8Array): Promise<Response> {
    const what = `${method} ${path.split('?')[0]}`;
    let response: Response;
    try {
      response = await fetch(`${root}${path}`, {
        method,
        headers: { ...headers, ...(auth ? { Authorization: auth } : {}) },
        ...(body ? { body } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw gctError('GCT_PACS_UNREACHABLE', `${what} on ${base.host} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { host: base.host, timeoutMs }, cause);
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw gctError('GCT_PACS_AUTH_FAILED', `${what} on ${base.host} answered ${response.status}${auth ? ' to the configured credentials' : ' (no credentials configured)'}`, { host: base.host, status: response.status });
    }
    return response;
  }

  async function failIfNot(response: Response, what: string, ok: readonly number[]): Promise<void> {
    if (ok.includes(response.status)) return;
    const text = (await response.text().catch(() => '')).slice(0, 200);
    throw gctError('GCT_PACS_REQUEST_FAILED', `${what} on ${base.host} answered ${response.status} ${response.statusText}${text ? `: ${text}` : ''}`, { host: base.host, status: response.status });
  }

  return {
    async searchSeries(studyInstanceUid, query = {}) {
      checkUid(studyInstanceUid, 'StudyInstanceUID');
      const params = new URLSearchParams({ ...query, includefield: '0008103E,00200011,00201209' });
      const path = `/studies/${studyInstanceUid}/series?${params.toString()}`;
      const response = await request('GET', path, { Accept: 'application/dicom+json' });
      if (response.status === 204 || response.status === 404) {
        await response.body?.cancel();
        return [];
      }
      await failIfNot(response, 'QIDO-RS series search', [200]);
      let json: unknown;
      try {
        json = await response.json();
      } catch (cause) {
        throw gctError('GCT_PACS_RESPONSE_INVALID', `QIDO-RS answer from ${base.host} is not JSON`, { host: base.host }, cause);
      }
      if (!Array.isArray(json)) throw gctError('GCT_PACS_RESPONSE_INVALID', `QIDO-RS answer from ${base.host} is not a JSON array`, { host: base.host });
      return (json as DicomJson[]).map((ds) => {
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
      const path = `/studies/${studyInstanceUid}/series/${seriesInstanceUid}`;
      const response = await request('GET', path, { Accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' });
      await failIfNot(response, 'WADO-RS series retrieve', [200]);
      const contentType = response.headers.get('content-type') ?? '';
      if (!/^multipart\/related/i.test(contentType))
        throw gctError('GCT_PACS_RESPONSE_INVALID', `WADO-RS answer from ${base.host} is '${contentType}', not multipart/related`, { host: base.host, contentType });
      const body = new Uint8Array(await response.arrayBuffer());
      try {
        return decodeMultipartRelated(body, contentType)
          .filter((p) => /application\/dicom/i.test(p.headers['content-type'] ?? headerParameter(contentType, 'type') ?? ''))
          .map((p) => p.body);
      } catch (cause) {
        throw gctError('GCT_PACS_RESPONSE_INVALID', `WADO-RS answer from ${base.host} is not valid multipart: ${(cause as Error).message}`, { host: base.host }, cause);
      }
    },

    async store(instances, studyInstanceUid) {
      if (studyInstanceUid) checkUid(studyInstanceUid, 'StudyInstanceUID');
      const { body, contentType } = encodeMultipartRelated(instances, 'application/dicom');
      const path = studyInstanceUid ? `/studies/${studyInstanceUid}` : '/studies';
      const response = await request('POST', path, { 'Content-Type': contentType, Accept: 'application/dicom+json' }, body);
      // 200 all stored, 202 some failed, 409 none stored (PS3.18 10.5.3).
      if (response.status !== 200 && response.status !== 202 && response.status !== 409) await failIfNot(response, 'STOW-RS store', [200]);
      const json = (await response.json().catch(() => ({}))) as DicomJson;
      const uids = (tag: string) => ((json[tag]?.Value ?? []) as DicomJson[]).map((item) => String(first(item, '00081155') ?? ''));
      const result = { storedSopInstanceUids: uids('00081199'), failedSopInstanceUids: uids('00081198') };
      if (response.status === 409 || result.failedSopInstanceUids.length > 0)
        throw gctError('GCT_PACS_STORE_FAILED', `STOW-RS on ${base.host} refused ${result.failedSopInstanceUids.length || instances.length} of ${instances.length} instance(s) (status ${response.status})`, {
          host: base.host, status: response.status, failed: result.failedSopInstanceUids,
        });
      return result;
    },
  };
}
