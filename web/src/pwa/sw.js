// Service worker of the Atrium web client: keeps the app shell (index.html and the built
// files) so the client opens without a network. It never answers anything under /api/: the
// server's replies are personal data and must always be fresh, so they are never cached.
// The build fills in BUILD and SHELL (scripts/vite-sw.ts).
const BUILD = '__BUILD__'
const SHELL = [/* __SHELL__ */]
const CACHE = 'atrium-shell-' + BUILD

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()))
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('atrium-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  )
})

self.addEventListener('fetch', (event) => {
  const request = event.request
  const url = new URL(request.url)
  if (request.method !== 'GET' || url.origin !== self.location.origin) return
  if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return // never cached
  if (request.mode === 'navigate') {
    // The newest index.html when online; the kept one (the SPA answers every path) when not.
    event.respondWith(fetch(request).catch(() => caches.match('/', { cacheName: CACHE })))
    return
  }
  if (url.pathname.startsWith('/assets/') || SHELL.includes(url.pathname)) {
    // Built files have hashed names: what is kept never goes stale.
    event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)))
  }
})
