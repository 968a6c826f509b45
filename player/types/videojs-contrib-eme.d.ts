/**
 * videojs-contrib-eme ships no types. Importing it registers the `eme` plugin on
 * Video.js; the page calls `player.eme()` and passes `keySystems` on the source
 * (see src/drm.ts for the option shapes it uses).
 */
declare module "videojs-contrib-eme" {
  const eme: (options?: Record<string, unknown>) => void;
  export default eme;
}

declare module "*.css";
