import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isAppError } from '@flowgento/core';
import { complain, say } from './output.ts';
import { commands, type Command } from './commands.ts';

const COMMON_OPTIONS = {
  'data-dir': { type: 'string' },
  'key-file': { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

function usage(): string {
  const lines = Object.entries(commands).map(
    ([name, c]) => `  ${name.padEnd(10)} ${c.summary}`,
  );
  return [
    'Usage: flowgento <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options for every command:',
    '  --data-dir <dir>   data folder (default: $FLOWGENTO_DATA_DIR or ./data)',
    '  --key-file <file>  database key file (default: outside the data folder; see README)',
    '  --config <file>    config file (default: <data-dir>/flowgento.config.json)',
    '  --help             help for the command',
    '',
    "Run `flowgento <command> --help` for a command's own options.",
  ].join('\n');
}

function commandHelp(name: string, command: Command): string {
  const own = Object.entries(command.options).map(
    ([flag, spec]) =>
      `  --${flag}${spec.type === 'string' ? ' <value>' : ''}`.padEnd(22) +
      ` ${spec.help}`,
  );
  return [
    `Usage: flowgento ${name} [options]`,
    '',
    command.summary,
    '',
    ...command.details,
    '',
    'Options:',
    ...own,
    '  --data-dir, --key-file, --config, --help (see `flowgento --help`)',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    say(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    complain(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  const own = Object.fromEntries(
    Object.entries(command.options).map(([flag, spec]) => [flag, { type: spec.type }]),
  );
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...COMMON_OPTIONS, ...own },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    complain(`${(error as Error).message}\n\n${commandHelp(name, command)}`);
    return 2;
  }
  if (parsed.values.help) {
    say(commandHelp(name, command));
    return 0;
  }
  return command.run(parsed.values);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (isAppError(error) && error.code !== 'INTERNAL') {
      complain(`flowgento: ${error.message}`);
      process.exitCode =
        error.code === 'CONFIG_INVALID' || error.code === 'INVALID_INPUT' ? 2 : 1;
      return;
    }
    complain(
      `flowgento: unexpected failure: ${(error as Error)?.message ?? String(error)}`,
    );
    if (process.env['FLOWGENTO_DEBUG']) complain(String((error as Error)?.stack));
    process.exitCode = 1;
  },
);
