/** Removes the temporary folders the tests made (test/helpers.ts `tempDir`). */
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (name.startsWith('kfm-test-')) fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
};
