/**
 * The HTTP transport under `dicomweb-client`: an object with the XMLHttpRequest surface that library uses
 * (open, setRequestHeader, responseType, send, readyState/status/response, response headers, the on* handlers),
 * carried out with Node's fetch. dicomweb-client accepts such an object per request (`request.instance`), so no
 * global polyfill is installed. It is ours rather than a polyfill package because the available ones (xhr2) follow
 * redirects and keep the Authorization header on them; here:
 *
 * - redirects are never followed (`redirect: 'manual'`): a 3xx is an error, so credentials and requests stay on the
 *   configured origin (RFC 9110 15.4 lets a client refuse to follow);
 * - each request has a timeout, and the answer body is read with a byte limit, stopping the transfer beyond it;
 * - a failure (network, timeout, size) is kept on the instance as `failure`, for the caller to map onto a coded
 *   error; the answer body of a failed request is never exposed in messages or logs by the caller.
 */
export interface TransportOptions {
  readonly timeoutMs: number;
  /** Largest answer body read, bytes. */
  readonly maxResponseBytes: number;
}

export type TransportFailure =
  | { readonly kind: 'network'; readonly cause: unknown }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'too-large'; readonly limitBytes: number }
  | { readonly kind: 'redirect'; readonly status: number }
  | { readonly kind: 'unparsable'; readonly cause: unknown };

type Handler = ((this: FetchXhr, ev?: unknown) => void) | null;

/** One request (the library opens and sends each instance once). */
export class FetchXhr {
  readyState = 0;
  status = 0;
  statusText = '';
  response: unknown = null;
  responseType: '' | 'text' | 'json' | 'arraybuffer' = '';
  withCredentials = false;
  onreadystatechange: Handler = null;
  onloadstart: Handler = null;
  onloadend: Handler = null;
  onprogress: Handler = null;
  /** Why the request failed below HTTP (undefined when an HTTP answer arrived). */
  failure: TransportFailure | undefined;
  /**
   * Rejects when the library's own answer handler throws (e.g. multipart it cannot decode): its promise would then
   * never settle, so callers race it against this one.
   */
  readonly handlerFailed: Promise<never>;
  private rejectHandler: (e: unknown) => void = () => undefined;

  private method = 'GET';
  private url = '';
  private readonly requestHeaders = new Headers();
  private responseHeaders = new Headers();

  constructor(private readonly options: TransportOptions) {
    this.handlerFailed = new Promise<never>((_, reject) => {
      this.rejectHandler = reject;
    });
    this.handlerFailed.catch(() => undefined);
  }

  open(method: string, url: string): void {
    this.method = method.toUpperCase();
    this.url = url;
    this.readyState = 1;
  }

  setRequestHeader(name: string, value: string): void {
    this.requestHeaders.set(name, value);
  }

  getResponseHeader(name: string): string | null {
    return this.responseHeaders.get(name);
  }

  getAllResponseHeaders(): string {
    return [...this.responseHeaders.entries()].map(([k, v]) => `${k}: ${v}`).join('\r\n');
  }

  send(body?: ArrayBuffer | Uint8Array | string | null): void {
    this.onloadstart?.call(this);
    void this.run(body ?? undefined).then(() => {
      this.readyState = 4;
      try {
        this.onreadystatechange?.call(this);
        this.onloadend?.call(this);
      } catch (cause) {
        this.failure = { kind: 'unparsable', cause };
        this.rejectHandler(cause);
      }
    });
  }

  private async run(body: ArrayBuffer | Uint8Array | string | undefined): Promise<void> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let answer: Response;
    try {
      answer = await fetch(this.url, { method: this.method, headers: this.requestHeaders, redirect: 'manual', signal: timeout, ...(body !== undefined ? { body } : {}) });
    } catch (cause) {
      this.failure = timeout.aborted ? { kind: 'timeout' } : { kind: 'network', cause };
      return;
    }
    this.responseHeaders = answer.headers;
    this.statusText = answer.statusText;
    if (answer.status >= 300 && answer.status < 400) {
      await answer.body?.cancel().catch(() => undefined);
      this.failure = { kind: 'redirect', status: answer.status };
      this.status = answer.status;
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = await readLimited(answer, this.options.maxResponseBytes);
    } catch (cause) {
      this.failure = cause instanceof ResponseTooLarge ? { kind: 'too-large', limitBytes: this.options.maxResponseBytes } : timeout.aborted ? { kind: 'timeout' } : { kind: 'network', cause };
      return;
    }
    this.status = answer.status;
    if (this.responseType === 'arraybuffer') {
      this.response = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    } else {
      const text = new TextDecoder().decode(bytes);
      if (this.responseType === 'json') {
        try {
          this.response = text.length === 0 ? null : JSON.parse(text);
        } catch (cause) {
          this.response = null;
          if (this.status >= 200 && this.status < 300) this.failure = { kind: 'unparsable', cause };
        }
      } else this.response = text;
    }
  }
}

class ResponseTooLarge extends Error {}

/** The body of `answer`, stopping (and cancelling the transfer) once it exceeds `limitBytes`. */
async function readLimited(answer: Response, limitBytes: number): Promise<Uint8Array> {
  const declared = Number(answer.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limitBytes) {
    await answer.body?.cancel().catch(() => undefined);
    throw new ResponseTooLarge();
  }
  if (answer.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  // With a declared length the body is read straight into one buffer of that size (no second copy).
  let into = Number.isFinite(declared) && declared > 0 ? new Uint8Array(declared) : undefined;
  const reader = answer.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseTooLarge();
    }
    if (into !== undefined && total + value.byteLength <= into.byteLength) into.set(value, total);
    else {
      if (into !== undefined) chunks.push(into.subarray(0, total));
      into = undefined;
      chunks.push(value);
    }
    total += value.byteLength;
  }
  if (into !== undefined) return total === into.byteLength ? into : into.subarray(0, total);
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
