import type { FeatureRoutes } from '@/router/feature'

export default {
  tabs: [{ path: '/workbench', component: () => import('./WorkbenchHome.vue'), meta: { tab: { icon: 'apps-o', label: 'shell.workbench', order: 2 } } }],
  pages: [
    { path: '/workbench/attendance', component: () => import('./AttendancePage.vue') },
    { path: '/workbench/attendance/month', component: () => import('./MonthPage.vue') },
    { path: '/workbench/attendance/makeups', component: () => import('./MakeupsPage.vue') },
  ],
} satisfies FeatureRoutes
