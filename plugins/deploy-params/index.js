// biome-ignore lint/suspicious/noRedundantUseStrict: a CommonJS file (serverless require()s it), where it is not redundant
'use strict';
// serverless require()s plugins; tsx compiles the TypeScript on load, scoped to this plugin (as plugins/offline-kafka).
const { require: tsxRequire } = require('tsx/cjs/api');

module.exports = tsxRequire('./plugin.ts', __filename).default;
