import type { Config } from '../config.ts';
import { loadConfig } from '../config.ts';
import { gctError } from '../errors.ts';
import { createApiToken, openStorage } from '../service/index.ts';
import { parseCommandArgs } from './args.ts';

export const TOKEN_USAGE = `groundct token create [--name <who>] [--admin] | list [--json] | revoke <id>   [--data <dir>]
  Manages the service's API tokens in its database (the data directory's, or PostgreSQL's when
  GROUNDCT_STORAGE__URL is set). 'create' prints a new bearer token once (only its SHA-256 is stored); it acts
  for the principal --name, who owns the studies it uploads and sees only those; --admin makes a token that
  sees every owner's studies and the metrics. 'list' shows ids, names, admin, creation and last use;
  'revoke' disables one.`;

export async function runToken(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs('token', argv, {
    name: { type: 'string' },
    admin: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    data: { type: 'string' },
  });
  const [action, ...rest] = positionals;
  const effective = values.data ? loadConfig({ overrides: { ...structuredClone(config), dataDir: values.data } }) : config;
  if (action !== 'create' && action !== 'list' && action !== 'revoke')
    throw gctError('GCT_CLI_USAGE', `groundct token takes create, list or revoke; got '${action ?? ''}'.\n${TOKEN_USAGE}`);
  if (action === 'revoke' ? rest.length !== 1 : rest.length !== 0) throw gctError('GCT_CLI_USAGE', `Wrong arguments for 'groundct token ${action}'.\n${TOKEN_USAGE}`);
  const storage = await openStorage(effective);
  try {
    if (action === 'create') {
      const { token, record } = await createApiToken(storage.meta, values.name ?? 'unnamed', { admin: values.admin });
      if (values.json) out(JSON.stringify({ ...record, token }, null, 2) + '\n');
      else out(`created ${record.admin ? 'admin ' : ''}token ${record.id} (${record.name}); it is shown only now:\n${token}\n`);
    } else if (action === 'list') {
      const tokens = await storage.meta.listTokens();
      if (values.json) out(JSON.stringify(tokens, null, 2) + '\n');
      else {
        out(`${'id'.padEnd(14)} ${'name'.padEnd(30)} ${'admin'.padEnd(5)} ${'created'.padEnd(24)} ${'last used'.padEnd(24)} state\n`);
        for (const t of tokens)
          out(`${t.id.padEnd(14)} ${t.name.slice(0, 30).padEnd(30)} ${(t.admin ? 'yes' : 'no').padEnd(5)} ${t.createdAt.padEnd(24)} ${(t.lastUsedAt ?? '-').padEnd(24)} ${t.revokedAt ? `revoked ${t.revokedAt}` : 'active'}\n`);
      }
    } else {
      const id = rest[0];
      if (!(await storage.meta.revokeToken(id))) throw gctError('GCT_SERVICE_TOKEN_NOT_FOUND', `No token with id '${id}'; 'groundct token list' shows the ids.`, { id });
      out(`revoked token ${id}\n`);
    }
  } finally {
    await storage.close();
  }
  return 0;
}
