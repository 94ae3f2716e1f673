import type { FeatureRoutes } from '@/router/feature'

// The consents pages of the privacy center live in features/consent.
export default {
  pages: [
    { path: '/privacy', component: () => import('./PrivacyCenter.vue') },
    { path: '/privacy/data', component: () => import('./MyData.vue') },
    { path: '/privacy/export', component: () => import('./ExportPage.vue') },
    { path: '/privacy/sessions', component: () => import('./SessionsPage.vue') },
    { path: '/privacy/permissions', component: () => import('./PermissionsPage.vue') },
    { path: '/privacy/access-log', component: () => import('./AccessLog.vue') },
    { path: '/privacy/cancellation', component: () => import('./CancellationPage.vue') },
  ],
} satisfies FeatureRoutes
