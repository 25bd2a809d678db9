import { serve } from './serve.ts';
import { backup } from './backup.ts';
import { restore } from './restore.ts';
import { simulate } from './simulate.ts';
import { keys } from './keys.ts';
import { audit } from './audit.ts';
import { storage } from './storage.ts';
import { metrics } from './metrics.ts';
import { retention } from './retention.ts';
import { breaches } from './breaches.ts';
import { requests } from './requests.ts';
import { contacts } from './contacts.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  help: string;
}

export interface Command {
  summary: string;
  details: string[];
  options: Record<string, OptionSpec>;
  run(values: Record<string, string | boolean | undefined>): Promise<number>;
  /**
   * Commands under this one (`backup kit`): a first word that names one
   * runs it; anything else runs this command, so its old form keeps working.
   */
  subcommands?: Record<string, Command>;
}

/** A command with subcommands, such as `keys rotate`. */
export interface CommandGroup {
  summary: string;
  subcommands: Record<string, Command>;
}

export const commands: Record<string, Command | CommandGroup> = {
  serve,
  backup,
  restore,
  simulate,
  keys,
  audit,
  storage,
  metrics,
  retention,
  breaches,
  requests,
  contacts,
};
