import type { FeatureRoutes } from '@/router/feature'

export default {
  tabs: [{ path: '/contacts', component: () => import('./ContactsHome.vue'), meta: { tab: { icon: 'friends-o', label: 'shell.contacts', order: 1 } } }],
} satisfies FeatureRoutes
