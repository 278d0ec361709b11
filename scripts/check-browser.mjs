#!/usr/bin/env node
// Run before the browser tests: without Chromium they would fail one by one with a launch error, so say once how to
// get it. The test helper imports chromiumPath() so both agree on where the browser is.
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Chromium the browser tests launch: `CHROMIUM_PATH` if set, else Debian's `/usr/bin/chromium`. */
export function chromiumPath() {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** True when `path` is an executable file. */
export function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = chromiumPath();
  if (!isExecutable(path)) {
    console.error(`Chromium is needed for the browser tests and was not found at ${path}: apt-get install chromium (or set CHROMIUM_PATH to its executable).`);
    process.exit(1);
  }
}
