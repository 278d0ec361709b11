import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** Argon2id with the library defaults (19 MiB, 2 passes): the OWASP baseline. */
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. Without a hash (unknown e-mail, user without password) it still
 * runs one argon2 verification, so the answer time does not tell whether the account exists.
 */
export async function checkPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hash(randomBytes(16).toString('hex'));
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}

/** A random password for new and demo users (shown once, never stored in clear). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

/** Minimum length of a chosen password (NIST SP 800-63B asks for at least 8; we ask for 12). */
export const MIN_PASSWORD_LENGTH = 12;
