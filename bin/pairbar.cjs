#!/usr/bin/env node
// The `pairbar` command. `npm install` builds dist/ (the prepare script); run `npm run build` after changes.
// CommonJS, as dist/cli.cjs is: see buildCommand in scripts/build.mjs for why.
'use strict';
require('../dist/cli.cjs').run();
