import type { FeatureRoutes } from '@/router/feature'

export default {
  tabs: [{ path: '/messages', component: () => import('./MessagesHome.vue'), meta: { tab: { icon: 'chat-o', label: 'shell.messages', order: 0 } } }],
} satisfies FeatureRoutes
