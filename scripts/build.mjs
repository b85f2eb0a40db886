/**
 * Builds dist/: the JavaScript the `groundct` command and the service's worker threads run.
 *
 * Every file under src/ is taken, with no list to keep up to date: each `*.ts` (not `*.test.ts`, not `*.d.ts`)
 * becomes `dist/<same path>.js`, and every other file (viewer assets, `.mjs` bootstraps, JSON) is copied as it is.
 * dist/ mirrors src/ at the same depth, so `new URL('../../prompts/', import.meta.url)` finds the same folder from
 * both. Each module is transpiled on its own by esbuild, the compiler tsx uses to run the same sources (so the
 * build behaves as the tests' TypeScript does); relative imports of `.ts` files are rewritten to `.js`, every
 * import stays an import (nothing is bundled: heavy libraries still load only where a module imports them).
 * No type checking here: `npm run typecheck` does that.
 *
 * `dist/.build-stamp.json` records what the build was made from (size + mtime of every input, and a content
 * hash), so `isBuildFresh()` can tell in a few milliseconds whether any source changed, was added or removed.
 *
 *   node scripts/build.mjs            build when stale (what `npm ci` runs through `prepare`)
 *   node scripts/build.mjs --force    build even when fresh
 *   node scripts/build.mjs --check    exit 1 when dist/ is stale, build nothing
 *
 * Plain JavaScript on purpose: it runs at install time and from bin/groundct.js, before anything is compiled.
 */
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SRC_DIR = join(REPO_ROOT, 'src');
export const DIST_DIR = join(REPO_ROOT, 'dist');
const STAMP = '.build-stamp.json';
const SELF = fileURLToPath(import.meta.url);
/** Bump when the output layout or the transform changes in a way the inputs' hash cannot see. */
const BUILD_FORMAT = 1;

/** Files under src/ that are not shipped: tests (and anything vitest owns). */
const isTest = (rel) => /\.test\.[cm]?[jt]sx?$/.test(rel) || rel.split(sep).includes('__tests__');
const isTypeScript = (rel) => rel.endsWith('.ts') && !rel.endsWith('.d.ts');

/** Relative paths (with the OS separator) of every input under src/, sorted. Dot files are skipped. */
export function listInputs() {
  const out = [];
  // Relative paths are built by concatenation (path.relative per file cost more than the walk itself, and this
  // runs before every command); nothing under a __tests__ folder is an input.
  const walk = (dir, prefix) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const rel = prefix + e.name;
      if (e.isDirectory()) {
        if (e.name !== '__tests__') walk(join(dir, e.name), rel + sep);
      } else if (e.isFile() && !isTest(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  walk(SRC_DIR, '');
  return out.sort();
}

/** The output path (relative to dist/) of an input. */
export function outputOf(rel) {
  return isTypeScript(rel) ? rel.slice(0, -3) + '.js' : rel;
}

/**
 * npm packages compiled into the bundle instead of imported from node_modules at run time. zod: its ES build is
 * ~95 files (every locale among them) that took ~55 ms to load before any command could validate its
 * configuration; bundled and tree-shaken (namespace imports, `import * as z`), it is ~180 kB in one chunk
 * (measured: a zod schema script 0.11 s -> 0.07 s as a whole process, `node -e 1` 0.05 s). Their package.json is
 * an input of the build, so an upgraded package makes dist/ stale.
 */
const BUNDLED_PACKAGES = ['zod'];
const bundledManifests = () => BUNDLED_PACKAGES.map((name) => join(REPO_ROOT, 'node_modules', name, 'package.json'));

/** size:mtime of every input, of this script and of the bundled packages' manifests: any change makes the build stale. */
function statsOf(inputs) {
  const stats = {};
  for (const rel of inputs) {
    const st = statSync(join(SRC_DIR, rel));
    stats[rel] = `${st.size}:${st.mtimeMs}`;
  }
  const self = statSync(SELF);
  stats['<build script>'] = `${self.size}:${self.mtimeMs}`;
  for (const manifest of bundledManifests()) {
    const st = statSync(manifest, { throwIfNoEntry: false });
    stats[`<${relative(REPO_ROOT, manifest)}>`] = st ? `${st.size}:${st.mtimeMs}` : 'absent';
  }
  return stats;
}

function contentHash(inputs) {
  // node:crypto is loaded only here: the fast path of isBuildFresh runs before every command and never needs it.
  const { createHash } = createRequire(import.meta.url)('node:crypto');
  const h = createHash('sha256');
  h.update(`format ${BUILD_FORMAT}\0${readFileSync(SELF)}\0`);
  for (const rel of inputs) h.update(`${rel.split(sep).join('/')}\0${readFileSync(join(SRC_DIR, rel))}\0`);
  for (const manifest of bundledManifests()) h.update(`${relative(REPO_ROOT, manifest)}\0${existsSync(manifest) ? readFileSync(manifest) : 'absent'}\0`);
  return h.digest('hex');
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(join(DIST_DIR, STAMP), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Whether dist/ was built from the sources as they are now. Fast path: the same files with the same size and
 * mtime as at build time. Otherwise (a touched file, a fresh checkout) the content hash decides.
 */
export function isBuildFresh() {
  const stamp = readStamp();
  if (!stamp || stamp.format !== BUILD_FORMAT) return false;
  const inputs = listInputs();
  const stats = statsOf(inputs);
  const keys = Object.keys(stats);
  if (keys.length === Object.keys(stamp.stats ?? {}).length && keys.every((k) => stamp.stats[k] === stats[k])) return true;
  return contentHash(inputs) === stamp.hash;
}

/** Writes `path` only when its content changes, through a temporary file (a reader never sees half a file). */
function writeIfChanged(path, content) {
  try {
    if (readFileSync(path).equals(content)) return false;
  } catch {
    /* absent */
  }
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
  return true;
}

/** Relative imports of TypeScript files point at the compiled JavaScript; everything stays external. */
const keepImportsPlugin = {
  name: 'groundct-keep-imports',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const relativePath = args.path.startsWith('./') || args.path.startsWith('../');
      const path = relativePath ? args.path.replace(/\.ts$/, '.js').replace(/\.mts$/, '.mjs') : args.path;
      return { path, external: true };
    });
  },
};

/**
 * The `groundct` command is also bundled: dist/bundle/main.js and shared chunks, every module of the command in a
 * few files instead of ~250 (npm packages stay external but for BUNDLED_PACKAGES; every dynamic import() stays a
 * separate chunk, loaded only when reached). Resolving, reading and linking hundreds of small ES modules cost about a tenth of a report's
 * CPU time and a quarter of `--help` (eval/results/cli-speed.md). Each bundled module keeps the import.meta.url of
 * its per-module output under dist/ (moduleUrlPlugin), so files found relative to a module (prompts/, models/,
 * the knowledge base, the viewer's assets, the service's worker entry) resolve exactly as they do unbundled.
 */
export const BUNDLE_DIR = 'bundle';

/** What both builds emit: ES modules for Node 20 with linked source maps, kept in memory until written. */
const ESBUILD_OUTPUT = { platform: 'node', format: 'esm', target: 'node20', sourcemap: 'linked', sourcesContent: false, charset: 'utf8', write: false, logLevel: 'silent' };
const BUNDLE_ENTRIES = { main: join('cli', 'main.ts') };

/** Every npm package and Node built-in stays an import, except BUNDLED_PACKAGES. */
const externalPackagesPlugin = {
  name: 'groundct-external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return BUNDLED_PACKAGES.includes(name) ? undefined : { path: args.path, external: true };
    });
  },
};

const moduleUrlPlugin = {
  name: 'groundct-module-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const own = `../${relative(SRC_DIR, args.path).split(sep).join('/').replace(/\.ts$/, '.js')}`;
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(own)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

/** The bundle's files (entries last, so that an entry is never on disk before the chunks it imports). */
async function bundleOutputs(esbuild, inputs) {
  const entries = Object.entries(BUNDLE_ENTRIES).filter(([, rel]) => inputs.includes(rel));
  if (entries.length === 0) return [];
  const result = await esbuild({
    entryPoints: Object.fromEntries(entries.map(([name, rel]) => [name, join(SRC_DIR, rel)])),
    outdir: join(DIST_DIR, BUNDLE_DIR),
    bundle: true,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    plugins: [externalPackagesPlugin, moduleUrlPlugin],
    ...ESBUILD_OUTPUT,
  });
  const isEntry = (f) => !/[\\/]chunk-[^\\/]+\.js(\.map)?$/.test(f.path);
  return [...result.outputFiles.filter((f) => !isEntry(f)), ...result.outputFiles.filter(isEntry)];
}

/**
 * Builds dist/ from src/. Returns what it did. Throws (with esbuild's messages) when a source does not parse;
 * dist/ then keeps its previous files and stamp, so it stays stale and the next run tries again.
 */
export async function build({ force = false, log = () => {} } = {}) {
  if (!force && isBuildFresh()) return { built: false, written: 0, removed: 0 };
  const started = performance.now();
  const inputs = listInputs();
  const stats = statsOf(inputs);
  const hash = contentHash(inputs);
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    entryPoints: inputs.filter(isTypeScript).map((rel) => join(SRC_DIR, rel)),
    outdir: DIST_DIR,
    outbase: SRC_DIR,
    bundle: true,
    plugins: [keepImportsPlugin],
    ...ESBUILD_OUTPUT,
  });
  const produced = new Set([STAMP]);
  let written = 0;
  for (const file of [...result.outputFiles, ...(await bundleOutputs(esbuild, inputs))]) {
    produced.add(relative(DIST_DIR, file.path));
    if (writeIfChanged(file.path, Buffer.from(file.contents))) written++;
  }
  for (const rel of inputs.filter((r) => !isTypeScript(r))) {
    produced.add(rel);
    if (writeIfChanged(join(DIST_DIR, rel), readFileSync(join(SRC_DIR, rel)))) written++;
  }
  // Outputs whose source is gone (a deleted or renamed file) go too, so dist/ never serves a module src/ lacks.
  let removed = 0;
  const prune = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        prune(full);
        if (readdirSync(full).length === 0) rmSync(full, { recursive: true });
      } else if (!produced.has(relative(DIST_DIR, full)) && !/\.tmp-\d+$/.test(e.name)) {
        rmSync(full);
        removed++;
      }
    }
  };
  prune(DIST_DIR);
  writeIfChanged(join(DIST_DIR, STAMP), Buffer.from(`${JSON.stringify({ format: BUILD_FORMAT, hash, builtAt: new Date().toISOString(), stats }, null, 1)}\n`));
  const seconds = (performance.now() - started) / 1000;
  log(`groundct build: ${inputs.length} sources -> dist/ (${written} written, ${removed} removed) in ${seconds.toFixed(2)} s`);
  return { built: true, written, removed };
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  const args = process.argv.slice(2);
  if (args.includes('--check')) {
    const fresh = existsSync(DIST_DIR) && isBuildFresh();
    process.stderr.write(fresh ? 'groundct build: dist/ is current\n' : "groundct build: dist/ is stale; run 'npm run build'\n");
    process.exitCode = fresh ? 0 : 1;
  } else {
    try {
      const r = await build({ force: args.includes('--force'), log: (m) => process.stderr.write(`${m}\n`) });
      if (!r.built) process.stderr.write('groundct build: dist/ is current\n');
    } catch (e) {
      process.stderr.write(`groundct build failed:\n${e?.message ?? e}\n`);
      process.exitCode = 1;
    }
  }
}
