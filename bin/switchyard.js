#!/usr/bin/env node
// The `switchyard` command: runs the compiled CLI (`npm install` and `npm run build` compile it to dist/).
import '../dist/src/cli/run.js';
