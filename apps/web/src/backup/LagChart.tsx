/**
 * How far the backup tier trailed the database lately, as a small line
 * drawn in SVG (no chart library: one polyline does it). Attributes, not
 * inline styles: the CSP allows only the stylesheet.
 */
const FULL_SCALE_MIN_MS = 1000;

/** `4 ms` under a second, `1.5 s` from there. */
function lagText(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function LagChart({ samples }: { samples: { at: number; lagMs: number }[] }) {
  if (samples.length < 2) {
    return <p className="muted small">Not enough samples for a chart yet.</p>;
  }
  const width = 320;
  const height = 80;
  const first = samples[0]!.at;
  const span = Math.max(1, samples.at(-1)!.at - first);
  const peak = Math.max(0, ...samples.map((s) => s.lagMs));
  // At least a second full scale: lag of a few milliseconds (or none at
  // all) is a flat line along the bottom, not a spike to the top.
  const scale = Math.max(FULL_SCALE_MIN_MS, peak);
  const points = samples
    .map((s) => {
      const x = ((s.at - first) / span) * width;
      const y = height - (s.lagMs / scale) * (height - 4) - 2;
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
        aria-label={`Shipping lag over the last ${samples.length} samples, peak ${lagText(peak)}`}
        data-testid="lag-chart"
      >
        <line x1="0" y1={height - 1} x2={width} y2={height - 1} className="lag-axis" />
        <polyline points={points} className="lag-line" fill="none" />
      </svg>
      <figcaption className="muted small">Shipping lag, peak {lagText(peak)}</figcaption>
    </figure>
  );
}
