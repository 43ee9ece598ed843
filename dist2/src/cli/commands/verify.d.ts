/**
 * `tapedeck verify <dir>`: integrity of every byte, the canonical check, the digest; optionally
 * a regression check against an expected digest or another recording.
 */
import type { CommandModule } from 'yargs';
import { type CliIo } from '../io.js';
import { type FilterArgs } from './diff.js';
interface VerifyArgs extends FilterArgs {
    dir: string;
    all?: boolean;
    digest?: string;
    against?: string;
    json?: boolean;
}
export default function verifyCommand(io: CliIo): CommandModule<object, VerifyArgs>;
export {};
