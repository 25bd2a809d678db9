/** One value of a metric, with its labels. */
export interface MetricSample {
  labels?: Record<string, string>;
  value: number;
}

/** A metric and its samples, as the Prometheus text format groups them. */
export interface MetricFamily {
  /** `[a-zA-Z_:][a-zA-Z0-9_:]*`, e.g. `flowgento_storage_provider_up`. */
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: MetricSample[];
}

/** Reads current values when `/metrics` is scraped; never stores them. */
export type MetricsCollector = () => MetricFamily[];

/**
 * What `/metrics` shows: each part of the appliance registers a collector
 * (storage providers now; backups and queues can add theirs), and a scrape
 * reads them all.
 */
export class MetricsRegistry {
  private readonly collectors: MetricsCollector[] = [];

  register(collector: MetricsCollector): void {
    this.collectors.push(collector);
  }

  collect(): MetricFamily[] {
    return this.collectors.flatMap((collect) => collect());
  }

  /** The Prometheus text exposition format (version 0.0.4). */
  text(): string {
    return prometheusText(this.collect());
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function prometheusText(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (!NAME.test(family.name)) throw new Error(`Bad metric name ${family.name}`);
    lines.push(
      `# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`,
    );
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      lines.push(`${family.name}${labelText(sample.labels)} ${numberText(sample.value)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function labelText(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return '';
  const pairs = entries.map(([name, value]) => {
    if (!LABEL.test(name)) throw new Error(`Bad label name ${name}`);
    // Label values are any text (a provider's name): escaped as the format says.
    const escaped = value
      .replace(/\\/g, '\\\\')
      .replace(/\n/g, '\\n')
      .replace(/"/g, '\\"');
    return `${name}="${escaped}"`;
  });
  return `{${pairs.join(',')}}`;
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
