/** Removes the temporary folders the tests made (test/helpers.ts `tempDir`). */
const fs = require('fs');
const os = require('os');
const path = require('path');

// Only this run's (named after the jest process, see tempDir): other runs on the machine may still use theirs.
module.exports = async () => {
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (name.startsWith(`kfm-test-${process.pid}-`)) fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
};
