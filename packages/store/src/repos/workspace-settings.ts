import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';

/** Settings an OWNER chooses for the whole workspace. */
export class WorkspaceSettingsRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  /** Whether OWNERs and ADMINs must sign in with a second factor. */
  requiresTwoFactor(): boolean {
    return (
      this.store
        .statement('SELECT require_two_factor FROM workspaces WHERE id = ?')
        .pluck()
        .get(this.scope.workspaceId) === 1
    );
  }

  setRequireTwoFactor(required: boolean): void {
    this.store
      .statement('UPDATE workspaces SET require_two_factor = ? WHERE id = ?')
      .run(required ? 1 : 0, this.scope.workspaceId);
  }
}
