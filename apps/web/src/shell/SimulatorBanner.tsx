/** Always on screen while the built-in simulator stands in for Meta. */
export function SimulatorBanner() {
  return (
    <div className="sim-banner" role="status" data-testid="simulator-banner">
      <strong>Simulator mode is on.</strong> Messages go to the built-in Cloud API
      simulator, not to Meta or real customers.
    </div>
  );
}
