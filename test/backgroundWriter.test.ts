import * as fs from 'fs';
import * as path from 'path';
import { BackgroundWriter } from '../src/render/BackgroundWriter';
import { OutputFiles } from '../src/render/files';
import { MARKER, writeTree } from '../src/render/write';
import { readTree, tempDir } from './helpers';

const tree = (n: number) => {
  const files = new OutputFiles();
  files.add('plan.json', `{"n": ${n}}\n`);
  files.add('phases/01-a/01-deployment.yaml', `kind: Deployment # ${n}\n`);
  files.add('argocd/waves/01-job.yaml', 'kind: Job\n');
  return files;
};

describe('BackgroundWriter (a fleet\'s files written on a second thread)', () => {
  test('writes each tree as writeTree does, marker included, even past its queue bound', async () => {
    const dir = tempDir();
    const writer = new BackgroundWriter({ maxQueued: 2 });
    for (let i = 0; i < 7; i++) await writer.write(path.join(dir, `t${i}`), tree(i));
    await writer.close();
    const inline = path.join(tempDir(), 'inline');
    writeTree(inline, tree(5));
    expect(readTree(path.join(dir, 't5'))).toEqual(readTree(inline));
    expect(fs.readdirSync(dir).sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
    expect(fs.existsSync(path.join(dir, 't6', MARKER))).toBe(true);
  });

  test('a write that fails (a file where a folder must go) fails close() with the reason', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'blocked'), 'a file, not a folder');
    const writer = new BackgroundWriter();
    await writer.write(path.join(dir, 'blocked'), tree(1));
    await expect(writer.close()).rejects.toThrow(/writing the output failed: .*(EEXIST|ENOTDIR)/);
  });
});
