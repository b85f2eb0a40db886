/**
 * The DICOMweb client the service uses for one PACS study. The base URL is the request's `url` or pacs.url;
 * the configured credentials (pacs.username / pacs.password, or GROUNDCT_PACS__*) are sent only when that URL has
 * the same origin (scheme, host, port; RFC 6454) as pacs.url, so that a client naming another server cannot make
 * the service hand it the PACS password. They are never logged, stored with the study or returned.
 */
import type { Config } from '../config.ts';
import { gctError } from '../errors.ts';
import { dicomwebClient, type DicomwebClient } from '../interop/index.ts';

export interface ServicePacsClient {
  readonly client: DicomwebClient;
  /** The base URL used (no credentials in it). */
  readonly url: string;
  /** host:port, for messages. */
  readonly host: string;
}

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/** The client for `url` (default pacs.url); GCT_SERVICE_REQUEST_INVALID when neither names a PACS. */
export function servicePacsClient(pacs: Config['pacs'], url: string | undefined): ServicePacsClient {
  const base = url ?? pacs.url;
  if (!base) throw gctError('GCT_SERVICE_REQUEST_INVALID', "No PACS to ask: give 'url' (the DICOMweb base URL) in the body, or set pacs.url (GROUNDCT_PACS__URL).", { field: 'url' });
  const configuredOrigin = pacs.url ? originOf(pacs.url) : undefined;
  const sendCredentials = configuredOrigin !== undefined && originOf(base) === configuredOrigin && pacs.username !== undefined;
  const client = dicomwebClient({
    baseUrl: base,
    timeoutMs: pacs.timeoutMs,
    ...(sendCredentials ? { username: pacs.username, ...(pacs.password !== undefined ? { password: pacs.password } : {}) } : {}),
  });
  return { client, url: base, host: new URL(base).host };
}
