import type { FeatureRoutes } from '@/router/feature'

export default {
  pages: [
    { path: '/join/:token', component: () => import('./JoinByLink.vue'), meta: { public: true } },
    { path: '/enterprise/create', component: () => import('./CreateEnterprise.vue') },
    { path: '/enterprise/switch', component: () => import('./SwitchEnterprise.vue') },
    { path: '/enterprise/invitations', component: () => import('./MyInvitations.vue') },
  ],
} satisfies FeatureRoutes
