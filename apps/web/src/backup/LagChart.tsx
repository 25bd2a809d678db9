/**
 * How far the backup tier trailed the database lately, as a small line
 * drawn in SVG (no chart library: one polyline does it). Attributes, not
 * inline styles: the CSP allows only the stylesheet.
 */
export function LagChart({ samples }: { samples: { at: number; lagMs: number }[] }) {
  if (samples.length < 2) {
    return <p className="muted small">Not enough samples for a chart yet.</p>;
  }
  const width = 320;
  const height = 80;
  const first = samples[0]!.at;
  const span = Math.max(1, samples.at(-1)!.at - first);
  const peak = Math.max(1, ...samples.map((s) => s.lagMs));
  const points = samples
    .map((s) => {
      const x = ((s.at - first) / span) * width;
      const y = height - (s.lagMs / peak) * (height - 4) - 2;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
  return (
    <figure className="lag-chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={`Shipping lag over the last ${samples.length} samples, peak ${(peak / 1000).toFixed(1)} s`}
        data-testid="lag-chart"
      >
        <line x1="0" y1={height - 1} x2={width} y2={height - 1} className="lag-axis" />
        <polyline points={points} className="lag-line" fill="none" />
      </svg>
      <figcaption className="muted small">
        Shipping lag, peak {(peak / 1000).toFixed(1)} s
      </figcaption>
    </figure>
  );
}
