/**
 * Where a development lives on the story page: alerts link there when the operator says
 * at which public address the pages are served (STORYWATCH_PUBLIC_URL).
 */

/** The page anchor of a development. */
export function developmentAnchor(devId: string): string {
  return `dev-${devId.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** `https://news.example/sw` + story + development → `https://news.example/sw/stories/<story>#dev-<id>`. */
export function developmentPageUrl(publicUrl: string, storyId: string, devId: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return `${base}/stories/${encodeURIComponent(storyId)}#${developmentAnchor(devId)}`;
}

/** The link builder the delivery step uses: none without a public address. */
export function pageLinker(publicUrl: string | undefined): ((a: { storyId: string; developmentId: string }) => string) | undefined {
  return publicUrl ? (a) => developmentPageUrl(publicUrl, a.storyId, a.developmentId) : undefined;
}
