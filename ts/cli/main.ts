// The convkit command line: `convkit train ...`. Returns the process exit code.
import { ConvkitError, ValueError } from '../index.js';
import { USAGE, parseTrainArgs } from './args.js';
import { train } from './train.js';

const USAGE_ERROR = 2;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (command !== 'train') {
    console.error(`convkit: unknown command '${command}'\n\n${USAGE}`);
    return USAGE_ERROR;
  }
  let options;
  try {
    options = parseTrainArgs(rest);
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return USAGE_ERROR;
  }
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  try {
    await train(options);
  } catch (error) {
    // Library errors and missing files explain themselves; anything else keeps its stack.
    const known = error instanceof ConvkitError || typeof (error as { code?: unknown }).code === 'string';
    console.error(known ? `convkit train: ${(error as Error).message}` : error);
    return 1;
  }
  return 0;
}

export { parseTrainArgs, train };
