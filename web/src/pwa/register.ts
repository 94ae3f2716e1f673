// Registers the service worker (src/pwa/sw.js, built into dist/sw.js) in production builds only:
// in development it would serve stale files.
export function registerServiceWorker() {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      /* no offline shell, the app still works */
    })
  })
}
