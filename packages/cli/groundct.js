#!/usr/bin/env node
// The `groundct` command as npm links it into node_modules/.bin: it runs the repository's bin/groundct.js.
// Why a workspace and not the root package's `bin`: npm 11's npx (libnpmexec) runs a command found in
// node_modules/.bin directly, but resolves a root package's own `bin` by installing the project into its npx
// cache, which reads the project's whole dependency tree (~300 packages) on every call: ~0.2 s before groundct starts.
import '../../bin/groundct.js';
