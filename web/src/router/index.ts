// The routes of the client, gathered from the feature folders, and what every navigation
// checks: pages other than the public ones need a signed-in session and its profile.
import { createRouter, createWebHistory, type RouteRecordRaw, type Router } from 'vue-router'
import { nextTick } from 'vue'
import { features } from '@/features'
import { useSessionStore } from '@/stores/session'
import AppShell from '@/layouts/AppShell.vue'

export function buildRoutes(): RouteRecordRaw[] {
  return [
    { path: '/', component: AppShell, redirect: '/messages', children: features.flatMap((f) => f.tabs ?? []) },
    ...features.flatMap((f) => f.pages ?? []),
    {
      path: '/admin',
      component: () => import('@/layouts/AdminLayout.vue'),
      meta: { wide: true },
      children: features.flatMap((f) => f.admin ?? []),
    },
    { path: '/:pathMatch(.*)*', component: () => import('@/components/NotFound.vue'), meta: { public: true } },
  ]
}

export function installGuards(router: Router) {
  router.beforeEach(async (to) => {
    const session = useSessionStore()
    if (to.meta.public) return to.meta.guestOnly && session.signedIn ? '/' : true
    if (!session.signedIn) return { path: '/signin', query: { redirect: to.fullPath } }
    if (!session.user) {
      try {
        await session.loadUser()
      } catch {
        // A 401 has signed the session out; anything else (offline) lets the page show its own error.
        if (!session.signedIn) return { path: '/signin', query: { redirect: to.fullPath } }
      }
    }
    return true
  })

  // Move focus to the new screen's title so keyboards and screen readers start at the top.
  router.afterEach((to, from) => {
    if (from.matched.length === 0 || to.path === from.path) return
    void nextTick(() => document.querySelector<HTMLElement>('.page-title')?.focus({ preventScroll: true }))
  })

  // A deploy removed the chunk this page wanted: load the new version of the app.
  router.onError((err, to) => {
    if (/dynamically imported module|Importing a module script failed|Failed to fetch/i.test(String(err?.message))) {
      window.location.assign(to.fullPath)
    }
  })
}

export function createAppRouter(history = createWebHistory()) {
  const router = createRouter({
    history,
    routes: buildRoutes(),
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })
  installGuards(router)
  return router
}
