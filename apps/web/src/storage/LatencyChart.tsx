import type { Outputs } from '../api.ts';

type Minute = Outputs['storage']['health']['providers'][number]['minutes'][number];

const WIDTH = 240;
const HEIGHT = 48;

/**
 * The last half hour of one provider, minute by minute: mean latency as a
 * line, failures as red bars from the bottom. Plain SVG, coloured by the
 * stylesheet (the CSP allows no inline style).
 */
export function LatencyChart({ minutes, label }: { minutes: Minute[]; label: string }) {
  const slowest = Math.max(1, ...minutes.map((m) => m.meanMs));
  const mostFailures = Math.max(1, ...minutes.map((m) => m.failures));
  const step = WIDTH / Math.max(1, minutes.length - 1);
  const barWidth = Math.max(2, step * 0.6);
  const line = minutes
    .map((m, i) => {
      const y = HEIGHT - 2 - (m.meanMs / slowest) * (HEIGHT - 6);
      return `${i === 0 ? 'M' : 'L'}${(i * step).toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');

  return (
    <svg
      className="latency-chart"
      viewBox={`-2 0 ${WIDTH + 4} ${HEIGHT}`}
      width={WIDTH + 4}
      height={HEIGHT}
      role="img"
      aria-label={label}
    >
      <title>{label}</title>
      <line className="chart-axis" x1={0} y1={HEIGHT - 1} x2={WIDTH} y2={HEIGHT - 1} />
      {minutes.map((m, i) =>
        m.failures === 0 ? null : (
          <rect
            key={m.at}
            className="chart-failures"
            x={i * step - barWidth / 2}
            y={HEIGHT - 1 - (m.failures / mostFailures) * (HEIGHT - 6)}
            width={barWidth}
            height={(m.failures / mostFailures) * (HEIGHT - 6)}
          />
        ),
      )}
      <path className="chart-latency" d={line} />
    </svg>
  );
}
