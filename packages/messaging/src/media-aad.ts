/**
 * Labels that bind a media file's ciphertext and its wrapped key to one
 * place, so neither can be moved to another row or workspace and still open.
 */
export const mediaAad = {
  /** The sealed object: names the workspace and the media id. */
  object: (workspaceId: string, mediaId: string) => `media/${workspaceId}/${mediaId}`,
  /** The file's own key, as key rotation rebuilds it (`media/<id>/key`). */
  key: (mediaId: string) => `media/${mediaId}/key`,
};

/** Where the sealed file lives in its tier: one folder per workspace. */
export function mediaObjectKey(workspaceId: string, mediaId: string): string {
  return `media/${workspaceId}/${mediaId}`;
}
