/** The Chromium the browser tests launch: `CHROMIUM_PATH` if set, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string;
/** True when `path` is an executable file. */
export function isExecutable(path: string): boolean;
