/**
 * The DICOMweb client the service uses for one PACS study. The base URL is the request's `url` or pacs.url. A
 * request may only name a PACS the operator configured (pacs.url or one of pacs.allowedUrls): same origin (scheme,
 * host, port after URL parsing, so `http://2130706433/` is 127.0.0.1; RFC 6454) and a path equal to or below the
 * configured one; anything else is GCT_PACS_URL_NOT_ALLOWED (400) before any request is made, so a client cannot
 * make the service fetch from, or store SEG + SR to, a server of its choosing. The client follows no redirects and
 * never echoes the remote server's error bodies (src/interop/dicomweb.ts).
 *
 * The configured credentials (pacs.username / pacs.password, or GROUNDCT_PACS__*) are sent only when the URL has
 * the same origin as pacs.url. They are never logged, stored with the study or returned.
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

const parse = (url: string): URL | undefined => {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
};

const pathOf = (u: URL) => u.pathname.replace(/\/+$/, '');

/** True when `candidate` lies under `allowed`: same origin, and its path equals or continues allowed's path. */
export function isUnderPacsUrl(candidate: string, allowed: string): boolean {
  const c = parse(candidate);
  const a = parse(allowed);
  if (c === undefined || a === undefined) return false;
  if (c.username || c.password || c.search || c.hash) return false;
  if (c.origin !== a.origin) return false;
  const base = pathOf(a);
  const path = pathOf(c);
  return path === base || path.startsWith(`${base}/`);
}

/** The client for `url` (default pacs.url); GCT_SERVICE_REQUEST_INVALID when neither names a PACS. */
export function servicePacsClient(pacs: Config['pacs'], url: string | undefined): ServicePacsClient {
  const base = url ?? pacs.url;
  if (!base) throw gctError('GCT_SERVICE_REQUEST_INVALID', "No PACS to ask: give 'url' (the DICOMweb base URL) in the body, or set pacs.url (GROUNDCT_PACS__URL).", { field: 'url' });
  const allowed = [...(pacs.url ? [pacs.url] : []), ...pacs.allowedUrls];
  if (url !== undefined && !allowed.some((a) => isUnderPacsUrl(url, a))) {
    // The refused URL is not echoed: it may carry credentials or point at an internal host.
    throw gctError('GCT_PACS_URL_NOT_ALLOWED', `The 'url' of the request is not a PACS this service is configured for (${allowed.length} configured).`, { field: 'url', configured: allowed.length });
  }
  const configuredOrigin = pacs.url ? parse(pacs.url)?.origin : undefined;
  const sendCredentials = configuredOrigin !== undefined && parse(base)?.origin === configuredOrigin && pacs.username !== undefined;
  const client = dicomwebClient({
    baseUrl: base,
    timeoutMs: pacs.timeoutMs,
    maxResponseBytes: pacs.maxRetrieveBytes,
    ...(sendCredentials ? { username: pacs.username, ...(pacs.password !== undefined ? { password: pacs.password } : {}) } : {}),
  });
  return { client, url: base, host: new URL(base).host };
}
