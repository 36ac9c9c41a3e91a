#!/usr/bin/env node
// The `pairbar` command. `npm install` builds dist/ (the prepare script); run `npm run build` after changes.
import { run } from '../dist/cli.js';

run();
