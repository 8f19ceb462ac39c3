// The argon2 jobs of argon2-pool.ts, run on piscina's threads. Plain JavaScript, not TypeScript,
// so the same file runs from src/ under the tests and beside the build in dist/.
import { hashSync, verifySync } from '@node-rs/argon2';

/** @param {{ password: string, options: import('@node-rs/argon2').Options }} job */
export const hash = ({ password, options }) => hashSync(password, options);

/** @param {{ hashed: string, password: string }} job */
export const verify = ({ hashed, password }) => verifySync(hashed, password);
