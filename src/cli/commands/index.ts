/** Every CLI command, one module each. */
import type { CommandModule } from 'yargs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [];
import { replayCommand } from './replay.js'; commands.push(replayCommand);
import { verifyCommand } from './verify.js'; commands.push(verifyCommand);
import { diffCommand } from './diff.js'; commands.push(diffCommand);
import { recordCommand } from './record.js'; commands.push(recordCommand);
import { importCommand } from './import.js'; commands.push(importCommand);
import { infoCommand } from './info.js'; commands.push(infoCommand);
import { exportCommand } from './export.js'; commands.push(exportCommand);
import { compactCommand } from './compact.js'; commands.push(compactCommand);
import { statsCommand } from './stats.js'; commands.push(statsCommand);
import { scenarioCommand } from './scenario.js'; commands.push(scenarioCommand);
import { backtestCommand } from './backtest.js'; commands.push(backtestCommand);
