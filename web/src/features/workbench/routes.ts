import type { FeatureRoutes } from '@/router/feature'

export default {
  tabs: [{ path: '/workbench', component: () => import('./WorkbenchHome.vue'), meta: { tab: { icon: 'apps-o', label: 'shell.workbench', order: 2 } } }],
} satisfies FeatureRoutes
