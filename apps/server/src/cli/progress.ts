/** Where progress is written: stderr, or a stand-in in tests. */
export interface ProgressOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

const count = new Intl.NumberFormat('en-US');
/** How often a terminal line is redrawn at most. */
const REDRAW_MS = 100;

/**
 * "Exporting: 45,000 / 100,000 entries (45%)" for a long command. On a
 * terminal the line is redrawn in place; written to a file or a pipe (a
 * service log, CI) it becomes one line at each tenth of the way, so the log
 * shows progress without thousands of lines.
 */
export class Progress {
  private lastDrawn = 0;
  private lastTenth = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly output: ProgressOutput = process.stderr,
    private readonly now: () => number = Date.now,
    private readonly unit = 'entries',
  ) {}

  update(done: number): void {
    if (this.output.isTTY) {
      if (this.now() - this.lastDrawn < REDRAW_MS) return;
      this.lastDrawn = this.now();
      this.output.write(`\r${this.line(done)}\x1b[K`);
      return;
    }
    const tenth = Math.floor(this.percent(done) / 10);
    if (tenth <= this.lastTenth || done >= this.total) return;
    this.lastTenth = tenth;
    this.output.write(`${this.line(done)}\n`);
  }

  /** The last line, always written, and the end of the terminal's line. */
  end(done: number): void {
    this.output.write(
      this.output.isTTY ? `\r${this.line(done)}\x1b[K\n` : `${this.line(done)}\n`,
    );
  }

  private percent(done: number): number {
    return this.total === 0 ? 100 : Math.floor((done / this.total) * 100);
  }

  private line(done: number): string {
    return (
      `${this.label}: ${count.format(done)} / ${count.format(this.total)} ${this.unit} ` +
      `(${this.percent(done)}%)`
    );
  }
}
