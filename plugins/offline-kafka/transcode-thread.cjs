'use strict';
// The worker thread's entry: tsx compiles the TypeScript source, as index.js does for the plugin.
const { require: tsxRequire } = require('tsx/cjs/api');

tsxRequire('./transcode-thread.ts', __filename);
