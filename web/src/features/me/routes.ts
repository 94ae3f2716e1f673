import type { FeatureRoutes } from '@/router/feature'

export default {
  tabs: [{ path: '/me', component: () => import('./MeHome.vue'), meta: { tab: { icon: 'user-o', label: 'shell.me', order: 3 } } }],
  pages: [{ path: '/me/profile', component: () => import('./ProfilePage.vue') }],
} satisfies FeatureRoutes
