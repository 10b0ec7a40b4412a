#!/usr/bin/env node
/**
 * The real-input corpus (test/corpus/real/corpus.yaml): files of public Apache-2.0 repositories
 * (Kong/kubernetes-ingress-controller, Kong/charts), each named by repository, tag, commit, path
 * and git blob id, with the reading the tests expect. The files themselves are not in this
 * repository; test/corpus.test.ts reads them from ../shared/fixtures/real/ or from git clones.
 *
 *   node scripts/corpus.js pin <clones>          fill in commit and blob ids from git clones
 *   node scripts/corpus.js export <clones> <dir> write every file to <dir>/<owner>/<name>/<ref>/<path>
 *
 * <clones> holds one bare or normal clone per repository, as <owner>+<name>/repo or <owner>+<name>.
 * Development only: no network.
 */
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const YAML = require('yaml');

const INDEX = path.join(__dirname, '..', 'test', 'corpus', 'real', 'corpus.yaml');
const [cmd, clones, outDir] = process.argv.slice(2);
if (!['pin', 'export'].includes(cmd) || !clones || (cmd === 'export' && !outDir)) {
  console.error('usage: node scripts/corpus.js pin <clones> | export <clones> <dir>');
  process.exit(2);
}

function gitDir(repo) {
  const base = path.join(clones, repo.replace('/', '+'));
  for (const d of [path.join(base, 'repo'), base, path.join(base, '.git')]) if (fs.existsSync(path.join(d, 'HEAD'))) return d;
  throw new Error(`no clone of ${repo} under ${clones}`);
}
const git = (dir, ...args) => execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

const doc = YAML.parseDocument(fs.readFileSync(INDEX, 'utf8'));
const files = doc.get('files');
for (const item of files.items) {
  const repo = item.get('repo');
  const ref = item.get('ref');
  const dir = gitDir(repo);
  const paths = ['path', 'rendered', 'also'].filter((k) => item.get(k));
  if (cmd === 'pin') {
    item.set('commit', git(dir, 'rev-list', '-n', '1', ref).trim());
    for (const k of paths) item.set(`${k}Blob`, git(dir, 'rev-parse', `${ref}:${item.get(k)}`).trim());
  } else {
    for (const k of paths) {
      const target = path.join(outDir, repo, ref, item.get(k));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, execFileSync('git', ['--git-dir', dir, 'cat-file', 'blob', item.get(`${k}Blob`)]));
    }
  }
}
if (cmd === 'pin') fs.writeFileSync(INDEX, doc.toString({ lineWidth: 0 }));
