import { serve } from './serve.ts';
import { backup } from './backup.ts';
import { restore } from './restore.ts';
import { simulate } from './simulate.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  help: string;
}

export interface Command {
  summary: string;
  details: string[];
  options: Record<string, OptionSpec>;
  run(values: Record<string, string | boolean | undefined>): Promise<number>;
}

export const commands: Record<string, Command> = { serve, backup, restore, simulate };
