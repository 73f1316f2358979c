import { hash, verify } from "@node-rs/argon2";

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const OPTIONS = { algorithm: 2 as const /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** Checks a password against its argon2id hash; false for a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash that matches nothing, verified when a user is unknown so timing does not reveal it. */
export const DUMMY_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$L8U/8CxPrkN1A6fWxT0dPg$/5w+sABfusJBMLz6YhWkmqUHoG6dpz9xfRnXr2zqJuo";
