import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isAppError } from '@flowgento/core';
import { complain, say } from './output.ts';
import { commands, type Command, type CommandGroup } from './commands.ts';

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
  const flags = Object.entries(command.options).map(
    ([flag, spec]) =>
      [`  --${flag}${spec.type === 'string' ? ' <value>' : ''}`, spec.help] as const,
  );
  // The help texts line up after the longest flag.
  const width = Math.max(22, ...flags.map(([flag]) => flag.length));
  const own = flags.map(([flag, help]) => `${flag.padEnd(width)} ${help}`);
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
    ...Object.entries(command.subcommands ?? {}).flatMap(([sub, c], index) => [
      ...(index === 0 ? ['', 'Commands:'] : []),
      `  ${name} ${sub}`.padEnd(width + 2) + ` ${c.summary}`,
    ]),
  ].join('\n');
}

function groupHelp(name: string, group: CommandGroup): string {
  const lines = Object.entries(group.subcommands).map(
    ([sub, c]) => `  ${sub.padEnd(16)} ${c.summary}`,
  );
  return [
    `Usage: flowgento ${name} <command> [options]`,
    '',
    group.summary,
    '',
    'Commands:',
    ...lines,
    '',
    `Run \`flowgento ${name} <command> --help\` for a command's own options.`,
  ].join('\n');
}

const isHelp = (word: string | undefined) =>
  !word || word === '--help' || word === '-h' || word === 'help';

/** Finds the command named by the first words; a group takes one more word. */
function findCommand(
  argv: string[],
): { name: string; command: Command; rest: string[] } | number {
  const [name, ...rest] = argv;
  if (isHelp(name)) {
    say(usage());
    return name ? 0 : 2;
  }
  const entry = commands[name!];
  if (!entry) {
    complain(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  if (!('run' in entry)) return findSubcommand(name!, entry, rest);
  const [sub, ...subRest] = rest;
  const nested = sub === undefined ? undefined : entry.subcommands?.[sub];
  if (nested) return { name: `${name} ${sub}`, command: nested, rest: subRest };
  return { name: name!, command: entry, rest };
}

function findSubcommand(
  name: string,
  entry: CommandGroup,
  rest: string[],
): { name: string; command: Command; rest: string[] } | number {
  const [sub, ...subRest] = rest;
  if (isHelp(sub)) {
    say(groupHelp(name, entry));
    return sub ? 0 : 2;
  }
  const command = entry.subcommands[sub!];
  if (!command) {
    complain(`Unknown command "${name} ${sub}".\n\n${groupHelp(name, entry)}`);
    return 2;
  }
  return { name: `${name} ${sub}`, command, rest: subRest };
}

async function main(argv: string[]): Promise<number> {
  const found = findCommand(argv);
  if (typeof found === 'number') return found;
  const { name, command, rest } = found;
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
