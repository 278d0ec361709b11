#!/usr/bin/env node
// Keeps package-lock.json complete for `npm ci` when the registry in use does not serve every platform build of a
// native package (e.g. only linux-x64): npm then leaves those optional entries out of the lock, and `npm ci` refuses
// the lock as "missing" them. This adds each missing optional platform package as an entry with its os/cpu, which
// npm skips on other platforms without fetching. Run after `npm install` changes the lock.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const pkgs = lock.packages;
const platformOf = (name) => {
  const n = name.split('/').pop();
  const os = /darwin/.test(n) ? 'darwin' : /win32/.test(n) ? 'win32' : /linux/.test(n) ? 'linux' : /freebsd/.test(n) ? 'freebsd' : /android/.test(n) ? 'android' : undefined;
  const cpu = /arm64|aarch64/.test(n) ? 'arm64' : /x64/.test(n) ? 'x64' : /ia32/.test(n) ? 'ia32' : /arm/.test(n) ? 'arm' : /ppc64/.test(n) ? 'ppc64' : /s390x/.test(n) ? 's390x' : /wasm32/.test(n) ? 'wasm32' : undefined;
  const libc = /musl/.test(n) ? 'musl' : /gnu/.test(n) ? 'glibc' : undefined;
  return { os, cpu, libc };
};
let added = 0;
for (const [key, entry] of Object.entries(pkgs)) {
  if (!key || !entry.optionalDependencies) continue;
  const base = key.slice(0, key.lastIndexOf('node_modules/'));
  for (const [dep, version] of Object.entries(entry.optionalDependencies)) {
    const nested = `${key}/node_modules/${dep}`;
    const hoisted = `${base}node_modules/${dep}`;
    const top = `node_modules/${dep}`;
    if (pkgs[nested] || pkgs[hoisted] || pkgs[top]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os && !cpu) continue;
    pkgs[top] = {
      version, ...(entry.dev ? { dev: true } : {}), optional: true,
      ...(os ? { os: [os] } : {}), ...(cpu ? { cpu: [cpu] } : {}), ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`[lock] added ${added} optional platform entries`);
