/** What the CLI tells a person at the terminal (logs go to the logger instead). */
export const say = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

export const complain = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
