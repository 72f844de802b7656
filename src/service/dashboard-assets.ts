/**
 * The dashboard: one HTML page, one stylesheet and one script, served by the service itself (no
 * front-end build). Their sources are real files in `./dashboard/` (linted and formatted like the
 * rest of the repository); `scripts/embed-dashboard-assets.mjs` embeds them as strings in the
 * git-ignored `./dashboard/assets.generated.ts` before `tsc`, so they are served from memory and
 * survive bundling. The script reads `/api/v1/dashboard`, redraws on every `change` server-sent
 * event (polling every 5 s when EventSource is unavailable or a bearer token is needed, since
 * EventSource cannot send headers), and builds the DOM with `textContent` only, so object names
 * from the cluster can never inject markup.
 */
export { DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_JS } from './dashboard/assets.generated.js';
