import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gctError } from '../errors.ts';
import { OutputTransaction, withOutputs } from './output.ts';

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gct-output-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh folder for one test; everything it holds afterwards is listed by `tree`. */
async function place(): Promise<string> {
  const dir = join(root, `t${++n}`);
  await mkdir(dir);
  return dir;
}

async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe('withOutputs: all outputs or none', () => {
  it('writes a folder and a file together; an existing file is replaced, an existing empty folder filled', async () => {
    const dir = await place();
    await mkdir(join(dir, 'report'));
    await writeFile(join(dir, 'm.json'), 'old');
    await withOutputs(
      [
        { kind: 'folder', path: join(dir, 'report'), flag: '--out' },
        { kind: 'file', path: join(dir, 'm.json'), flag: '--json' },
      ],
      async (staging) => {
        await writeFile(join(staging(join(dir, 'report')), 'report.json'), '{}');
        await writeFile(staging(join(dir, 'm.json')), 'new');
      },
    );
    expect(await tree(dir)).toEqual(['m.json', 'report', 'report/report.json']);
    expect(await readFile(join(dir, 'm.json'), 'utf8')).toBe('new');
  });

  it('a failure while writing leaves nothing: no temporary names, no folders it created, the old file intact', async () => {
    const dir = await place();
    await writeFile(join(dir, 'm.json'), 'old');
    const failing = withOutputs(
      [
        { kind: 'folder', path: join(dir, 'a', 'b', 'report'), flag: '--out' },
        { kind: 'file', path: join(dir, 'm.json'), flag: '--json' },
      ],
      async (staging) => {
        await writeFile(join(staging(join(dir, 'a', 'b', 'report')), 'report.json'), '{}');
        throw gctError('GCT_VOLUME_TRUNCATED', 'input ended early');
      },
    );
    await expect(failing).rejects.toMatchObject({ code: 'GCT_VOLUME_TRUNCATED' });
    expect(await tree(dir)).toEqual(['m.json']);
    expect(await readFile(join(dir, 'm.json'), 'utf8')).toBe('old');
  });

  it('refuses before any work: a non-empty folder (GCT_OUTPUT_EXISTS), a file where a folder goes, a folder where a file goes, a path through a file', async () => {
    const dir = await place();
    await mkdir(join(dir, 'full'));
    await writeFile(join(dir, 'full', 'x'), 'x');
    await writeFile(join(dir, 'afile'), 'x');
    await mkdir(join(dir, 'afolder'));
    let worked = false;
    const work = async () => {
      worked = true;
    };
    await expect(withOutputs([{ kind: 'folder', path: join(dir, 'fresh'), flag: '--out' }, { kind: 'folder', path: join(dir, 'full'), flag: '--dicom' }], work)).rejects.toMatchObject({ code: 'GCT_OUTPUT_EXISTS', details: { flag: '--dicom' } });
    await expect(withOutputs([{ kind: 'folder', path: join(dir, 'afile'), flag: '--out' }], work)).rejects.toMatchObject({ code: 'GCT_OUTPUT_NOT_WRITABLE' });
    await expect(withOutputs([{ kind: 'file', path: join(dir, 'afolder'), flag: '--out' }], work)).rejects.toMatchObject({ code: 'GCT_OUTPUT_NOT_WRITABLE' });
    await expect(withOutputs([{ kind: 'file', path: join(dir, 'afile', 'x.json'), flag: '--out' }], work)).rejects.toMatchObject({ code: 'GCT_OUTPUT_NOT_WRITABLE', details: { blocking: join(dir, 'afile') } });
    expect(worked).toBe(false);
    // The staged 'fresh' folder of the first call was removed again.
    expect(await tree(dir)).toEqual(['afile', 'afolder', 'full', 'full/x']);
  });

  it('the same path twice is a usage error', async () => {
    const dir = await place();
    await expect(OutputTransaction.begin([{ kind: 'folder', path: join(dir, 'o'), flag: '--out' }, { kind: 'folder', path: join(dir, 'o'), flag: '--dicom' }])).rejects.toMatchObject({ code: 'GCT_CLI_USAGE' });
    expect(await tree(dir)).toEqual([]);
  });
});
