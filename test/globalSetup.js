/**
 * One temporary folder per test run (test/helpers.ts `tempDir` makes its folders inside), so
 * that the teardown removes only this run's folders, never those of a run going on beside it.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  process.env.KFM_TEST_TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'kfm-run-'));
};
