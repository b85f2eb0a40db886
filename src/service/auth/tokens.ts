/**
 * API tokens: 32 random bytes (256 bits) as base64url behind a `gct_` prefix, shown once at creation and
 * stored only as their SHA-256 digest. A fast hash is enough for a uniformly random 256-bit secret (no
 * dictionary to guess from; OWASP Authentication Cheat Sheet distinguishes such tokens from passwords).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { gctError } from '../../errors.ts';
import { ADMIN_PRINCIPAL, type MetadataStore, type TokenRecord } from '../storage/types.ts';

const TOKEN_PREFIX = 'gct_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface CreatedToken {
  /** The bearer token; never stored, never shown again. */
  readonly token: string;
  readonly record: TokenRecord;
}

/**
 * A new token acting for principal `name` (the owner of the studies it uploads); `admin` sees every owner's
 * studies and the metrics.
 */
export async function createApiToken(meta: MetadataStore, name: string, options: { admin?: boolean } = {}): Promise<CreatedToken> {
  // Studies from before ownership belong to 'admin': only an admin token may act as that principal.
  if (name === ADMIN_PRINCIPAL && !options.admin) throw gctError('GCT_CLI_USAGE', `The principal '${ADMIN_PRINCIPAL}' is reserved for admin tokens; add --admin or choose another --name.`);
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const record = await meta.createToken(`tok_${randomUUID().slice(0, 8)}`, name, hashToken(token), options);
  return { token, record };
}

/** The bearer token of an Authorization header, or undefined when the header is absent or not Bearer. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}
