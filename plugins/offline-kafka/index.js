// biome-ignore lint/suspicious/noRedundantUseStrict: a CommonJS file (serverless require()s it), where it is not redundant
'use strict';
// serverless require()s plugins. tsx (the project's TypeScript runner, which serverless-offline also
// uses for handlers) compiles the sources on load, scoped to this plugin: no build step, no dist/.
const { require: tsxRequire } = require('tsx/cjs/api');

module.exports = tsxRequire('./plugin.ts', __filename).default;
