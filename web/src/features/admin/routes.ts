import type { FeatureRoutes } from '@/router/feature'

export default {
  admin: [{ path: '', component: () => import('./AdminHome.vue'), meta: { wide: true, tab: { icon: 'home-o', label: 'admin.home', order: 0 } } }],
} satisfies FeatureRoutes
