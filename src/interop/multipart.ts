/**
 * multipart/related bodies (RFC 2387 over the MIME multipart syntax of RFC 2046 5.1.1), as DICOMweb uses them
 * for WADO-RS answers and STOW-RS requests (PS3.18 8.7.1.2 / 10.5): parts separated by CRLF "--" boundary,
 * each with its own header lines, a blank line, then the bytes; the last boundary is followed by "--".
 * Binary-safe: bodies are scanned as bytes, never decoded as text.
 */
import { randomBytes } from 'node:crypto';

export interface MimePart {
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

const CRLF = new Uint8Array([13, 10]);
const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

/** The value of a parameter of a header such as `multipart/related; type="application/dicom"; boundary=abc`. */
export function headerParameter(header: string, name: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i');
  const m = re.exec(header);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Encodes parts as one multipart/related body; returns it with its Content-Type header value. */
export function encodeMultipartRelated(parts: readonly Uint8Array[], partType: string): { body: Uint8Array; contentType: string } {
  const boundary = `groundct-${randomBytes(12).toString('hex')}`;
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    chunks.push(ascii(`--${boundary}\r\nContent-Type: ${partType}\r\nContent-Length: ${part.length}\r\n\r\n`), part, CRLF);
  }
  chunks.push(ascii(`--${boundary}--\r\n`));
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return { body, contentType: `multipart/related; type="${partType}"; boundary=${boundary}` };
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  outer: for (let n = haystack.indexOf(first, from); n !== -1 && n <= last; n = haystack.indexOf(first, n + 1)) {
    for (let m = 1; m < needle.length; m++) if (haystack[n + m] !== needle[m]) continue outer;
    return n;
  }
  return -1;
}

/** Splits a multipart body; throws a RangeError describing what is wrong with a malformed one. */
export function decodeMultipartRelated(body: Uint8Array, contentType: string): MimePart[] {
  const boundary = headerParameter(contentType, 'boundary');
  if (!boundary) throw new RangeError(`Content-Type '${contentType}' has no boundary parameter`);
  const delimiter = ascii(`--${boundary}`);
  let at = indexOf(body, delimiter, 0);
  if (at === -1) throw new RangeError(`the body holds no boundary '${boundary}'`);
  const parts: MimePart[] = [];
  for (;;) {
    at += delimiter.length;
    if (body[at] === 45 && body[at + 1] === 45) return parts; // "--": the close delimiter
    const headerEnd = indexOf(body, ascii('\r\n\r\n'), at);
    if (headerEnd === -1) throw new RangeError(`part ${parts.length + 1} has no end of headers`);
    const headers: Record<string, string> = {};
    for (const line of Buffer.from(body.subarray(at, headerEnd)).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const next = indexOf(body, ascii(`\r\n--${boundary}`), headerEnd + 4);
    if (next === -1) throw new RangeError(`part ${parts.length + 1} is not closed by the boundary`);
    parts.push({ headers, body: body.subarray(headerEnd + 4, next) });
    at = next + 2;
  }
}
