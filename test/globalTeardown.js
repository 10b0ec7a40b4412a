/** Removes this run's temporary folder (test/globalSetup.js). */
const fs = require('fs');

module.exports = async () => {
  if (process.env.KFM_TEST_TMP) fs.rmSync(process.env.KFM_TEST_TMP, { recursive: true, force: true });
};
