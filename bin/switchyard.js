#!/usr/bin/env node
// Entry point of the `switchyard` command: runs the compiled CLI (built by `npm install` / `npm run build`).
import('../dist/src/cli/main.js').then((cli) => cli.main(process.argv.slice(2)));
