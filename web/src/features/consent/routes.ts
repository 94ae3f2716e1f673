import type { FeatureRoutes } from '@/router/feature'

export default {
  pages: [
    { path: '/onboarding/consents', component: () => import('./ConsentSteps.vue') },
    { path: '/privacy/consents', component: () => import('./ConsentsPage.vue') },
    { path: '/privacy/consents/:id/receipt', component: () => import('./ConsentReceipt.vue') },
  ],
} satisfies FeatureRoutes
