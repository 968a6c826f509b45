/**
 * Imported before Video.js: without this flag it injects a <style> element, which
 * the page's Content-Security-Policy (no 'unsafe-inline' styles) blocks. The layout
 * it would compute comes from player.css instead.
 */
window.VIDEOJS_NO_DYNAMIC_STYLE = true;

declare global {
  interface Window {
    VIDEOJS_NO_DYNAMIC_STYLE?: boolean;
  }
}

export {};
